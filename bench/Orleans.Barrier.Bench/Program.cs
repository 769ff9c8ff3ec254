using Orleans.Barrier.Bench;
using Orleans.Barrier.Bench.Processes;

// The one instrument for Orleans.Barrier's performance figures; see BenchCommandLine for the options and
// BenchRunner for what a run does. Usage: dotnet run -c Release --project bench/Orleans.Barrier.Bench -- [options]
// The same program is also the client processes of --processes (ClientWorker), started by the bench itself.
return await BenchCommandLine.Create(BenchRunner.RunAsync, ClientWorker.RunAsync).Parse(args).InvokeAsync();
