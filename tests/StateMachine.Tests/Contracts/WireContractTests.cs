using System.Reflection;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Every wire and storage identity is recorded in a checked-in file next to the project that declares it
/// (<c>WireContracts.txt</c>), so that a change to the protocol or to stored state shows in review instead of in a
/// rolling upgrade. A difference fails with the lines that changed; an intended change is recorded by regenerating.
/// </summary>
public sealed class WireContractTests
{
    private const string UpdateVariable = "BARRIER_UPDATE_CONTRACTS";

    public static TheoryData<string, string> Contracts() => new()
    {
        { typeof(IBarrierGrain).Assembly.GetName().Name!, "src/Grains.Interfaces/WireContracts.txt" },
        { typeof(BarrierGrain).Assembly.GetName().Name!, "src/Grains/WireContracts.txt" },
    };

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Contract_OfEachAssembly_MatchesTheCheckedInFile(string assemblyName, string file)
    {
        var rendered = WireContract.Render(Assembly.Load(assemblyName));
        var path = Path.Combine(RepositoryRoot(), file);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, rendered);
        }

        var recorded = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        if (recorded != rendered)
        {
            var before = recorded.Split('\n');
            var after = rendered.Split('\n');
            var removed = before.Except(after).Select(line => $"- {line}");
            var added = after.Except(before).Select(line => $"+ {line}");
            Assert.Fail(
                $"The wire/storage contract of {assemblyName} differs from {file}:\n{string.Join("\n", removed.Concat(added))}\n"
                + $"If the change is intended (and safe for running clusters and stored state, or noted in CHANGELOG.md), "
                + $"regenerate with {UpdateVariable}=1 dotnet test tests/StateMachine.Tests --filter WireContractTests.");
        }
    }

    [Fact]
    public void Contract_OfTheProtocol_ListsEachOperationWithItsOwnRequest()
    {
        var rendered = WireContract.Render(typeof(IBarrierGrain).Assembly);

        Assert.Contains("[Alias(\"Wait\")] System.Threading.Tasks.Task<ArrivalOutcome> WaitAsync(ArrivalRequest request)", rendered, StringComparison.Ordinal);
        Assert.Contains("[Alias(\"Withdraw\")] System.Threading.Tasks.Task<ArrivalOutcome> WithdrawAsync(WithdrawalRequest request)", rendered, StringComparison.Ordinal);
        Assert.Contains("[Alias(\"Lose\")] System.Threading.Tasks.Task<ArrivalOutcome> LoseAsync(LossRequest request)", rendered, StringComparison.Ordinal);
        Assert.Contains("[Alias(\"Recall\")] System.Threading.Tasks.Task<ArrivalOutcome> RecallAsync(RecallRequest request)", rendered, StringComparison.Ordinal);
        Assert.Contains("[Id(6)] TimeSpan? Lease", rendered, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.Barrier.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.Barrier.sln above {AppContext.BaseDirectory}.");
    }
}
