using Orleans.Barrier.Bench.Grains;

namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>Makes a scenario's participant on a grain factory: the external client's, or a participant grain's.</summary>
internal static class PhaseParticipants
{
    public static IPhaseParticipant Create(IGrainFactory factory, PhaseRun run) => run.Kind switch
    {
        ScenarioKind.Floor => new FloorParticipant(factory.GetGrain<IFloorGrain>(run.Key), LocalRendezvous.Find(run.Rendezvous)),
        ScenarioKind.NaiveBarrier => new NaiveBarrierParticipant(factory.GetGrain<INaiveBarrierGrain>(run.Key), run.Parties),
        _ => new BarrierParticipant(factory.GetBarrier(run.Key, new BarrierOptions { Parties = run.Parties, Topology = run.Topology, CoalesceArrivals = run.Coalesced, Shards = run.Shards })),
    };

    private sealed class FloorParticipant(IFloorGrain grain, LocalRendezvous rendezvous) : IPhaseParticipant
    {
        // The local rendezvous makes the floor a barrier whose coordination costs no message, so its phases are
        // timed exactly like the others': the next arrival only after everyone's call of this phase returned.
        public async Task<int> ArriveAsync()
        {
            await grain.PingAsync();
            return await rendezvous.ArriveAsync();
        }
    }

    private sealed class NaiveBarrierParticipant(INaiveBarrierGrain grain, int parties) : IPhaseParticipant
    {
        public Task<int> ArriveAsync() => grain.ArriveAsync(parties);
    }

    private sealed class BarrierParticipant(IDistributedBarrier barrier) : IPhaseParticipant
    {
        public Task<int> ArriveAsync() => barrier.WaitAsync();
    }
}
