// Sprout sample: a minimal API with no package references.
// Sprout starts it with --urls http://127.0.0.1:$PORT; run alone it uses PORT, else Beanstalk's .NET default port 5000.
var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["urls"] is null)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "5000"}");
}

var app = builder.Build();
app.MapGet("/", () => $"Hello from dotnet! greeting={Environment.GetEnvironmentVariable("GREETING")}\n");
app.MapGet("/health", () => "ok\n");
app.Run();
