using Orleans.Barrier.Client.Connection;
using Orleans.Barrier.Connectivity;

namespace Orleans.Barrier.Client.Commands;

/// <summary>
/// Turns the failures a user can cause or meet (a broken barrier, a party mismatch, no silo) into one line on
/// stderr and an exit code. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static class ExpectedFailures
{
    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (BrokenBarrierException exception)
        {
            await error.WriteLineAsync(BrokenBarrierLine(exception.Reason, exception.LostParticipants, exception.Message));
            return ExitCodes.BarrierBroken;
        }
        catch (Exception exception) when (exception is SiloUnreachableException or BarrierUnavailableException)
        {
            // BarrierUnavailableException also ends a wait whose arrival was evicted after its lease ran out.
            await error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.SiloUnreachable;
        }
        catch (OperationCanceledException exception)
        {
            await error.WriteLineAsync($"cancelled: {exception.Message}");
            return ExitCodes.Cancelled;
        }
        catch (TlsCertificateException exception)
        {
            // A wrong path or password: the command line's fault, found only when the file is opened.
            await error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.InvalidArguments;
        }
        catch (ArgumentException exception)
        {
            await error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.InvalidArguments;
        }
        catch (InvalidOperationException exception)
        {
            await error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.InvalidOperation;
        }
        catch (Exception exception) when (ClusterConnection.IsLostContact(exception))
        {
            // Connected once, then lost: the silo stopped or the call timed out.
            await error.WriteLineAsync($"error: the cluster stopped answering: {exception.Message}");
            return ExitCodes.SiloUnreachable;
        }
    }

    /// <summary>
    /// The line for a wait that failed on a broken barrier. A ParticipantLost break names the lost participants
    /// from the exception's list rather than trusting its message to, so they are always on the line.
    /// </summary>
    public static string BrokenBarrierLine(BrokenBarrierReason reason, IReadOnlyList<string> lostParticipants, string message)
        => reason == BrokenBarrierReason.ParticipantLost && lostParticipants.Count > 0
            ? $"error: barrier broken ({reason}): lost participant(s) {ParticipantNames.Join(lostParticipants)} stopped renewing their lease while waiting; reset the barrier to use it again."
            : $"error: barrier broken ({reason}): {message}";
}
