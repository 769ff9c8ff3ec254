using System.Diagnostics.Metrics;

namespace Orleans.Barrier.Bench.Measurement;

/// <summary>
/// Counts the wait calls the barrier grains of this process receive, from their own meter (<c>Orleans.Barrier</c>,
/// <c>orleans-barrier.wait-calls</c>): messages into the barrier per phase, next to the floor's N.
/// </summary>
internal static class BarrierCallCounter
{
    private static long s_waitCalls;
    private static MeterListener? s_listener;

    /// <summary>Wait calls received so far by the barrier grains in this process.</summary>
    public static long WaitCalls
    {
        get
        {
            Start();
            return Interlocked.Read(ref s_waitCalls);
        }
    }

    private static void Start()
    {
        if (s_listener is not null)
        {
            return;
        }

        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Orleans.Barrier" && instrument.Name == "orleans-barrier.wait-calls")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(static (_, value, _, _) => Interlocked.Add(ref s_waitCalls, value));
        if (Interlocked.CompareExchange(ref s_listener, listener, null) is null)
        {
            listener.Start();
        }
        else
        {
            listener.Dispose();
        }
    }
}
