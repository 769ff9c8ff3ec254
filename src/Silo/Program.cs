using System.CommandLine;
using System.CommandLine.Invocation;
using Orleans.Barrier.Silo;

var parseResult = SiloCommandLine.Create().Parse(args);

// A bad option prints its one-line error, not the whole help text; --help still shows it.
if (parseResult.Action is ParseErrorAction parseError)
{
    parseError.ShowHelp = false;
}

// The generic host owns Ctrl+C and SIGTERM (graceful silo shutdown), so System.CommandLine must not claim them.
return await parseResult.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
