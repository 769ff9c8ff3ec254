using CsCheck;

namespace Orleans.Barrier.Tests.Model;

/// <summary>One generated model test: a barrier's party count and result retention, and the steps to run on it.</summary>
internal sealed record ModelScenario(int Parties, TimeSpan Retention, IReadOnlyList<ModelOperation> Operations)
{
    /// <summary>Small barriers and short retentions, so that releases, expiries and forgetting all happen within a few dozen steps.</summary>
    public static readonly Gen<ModelScenario> Generator = Gen.Select(
        Gen.Int[1, 4],
        Gen.Int[1, 6],
        ModelOperation.Generator.Array[1, 60],
        (parties, retentionSeconds, operations) => new ModelScenario(parties, TimeSpan.FromSeconds(retentionSeconds), operations));

    public override string ToString()
        => $"parties={Parties} retention={Retention.TotalSeconds}s, {Operations.Count} steps:{Environment.NewLine}"
            + string.Join(Environment.NewLine, Operations.Select((op, i) => $"  {i,2}: {op}"));
}
