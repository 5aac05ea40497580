using System.Runtime.InteropServices;
using Sprout.Cli;

using var cancellation = new CancellationTokenSource();

// Ctrl-C and SIGTERM cancel the run instead of killing the process, so `sprout server` stops gracefully
// and waiting verbs can say that the operation goes on without them.
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

return await CliApp.RunAsync(args, CliContext.FromProcess(), cancellation.Token);
