using System.CommandLine;
using Orleans.Barrier.Client.Commands;

// Ctrl+C cancels the running command's token; allow time for a cancelled wait to leave the barrier and for the
// demo's silos to stop before the process is ended anyway.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) };
return await ClientCommandLine.Create().Parse(args).InvokeAsync(invocation);
