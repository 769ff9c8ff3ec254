using BenchmarkDotNet.Running;

// BenchmarkDotNet microbenchmarks of BarrierStateMachine alone: no grain, no messages, no clock.
// Usage: dotnet run -c Release --project bench/Orleans.Barrier.Bench.StateMachine -- [--filter *Release*] [BenchmarkDotNet options]
BenchmarkSwitcher.FromAssembly(typeof(Orleans.Barrier.Bench.StateMachine.MachineKit).Assembly).Run(args);
