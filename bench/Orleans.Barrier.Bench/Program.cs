using Orleans.Barrier.Bench;

// The one instrument for Orleans.Barrier's performance figures; see BenchCommandLine for the options and
// BenchRunner for what a run does. Usage: dotnet run -c Release --project bench/Orleans.Barrier.Bench -- [options]
return await BenchCommandLine.Create(BenchRunner.RunAsync).Parse(args).InvokeAsync();
