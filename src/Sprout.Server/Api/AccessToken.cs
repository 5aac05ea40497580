using System.Security.Cryptography;
using System.Text;

namespace Sprout.Server.Api;

/// <summary>The API's bearer token: generated on first start, kept mode 0600 in the data directory.</summary>
internal sealed class AccessToken
{
    private readonly byte[] _expected;

    private AccessToken(string value)
    {
        Value = value;
        _expected = Encoding.UTF8.GetBytes(value);
    }

    public string Value { get; }

    public static async Task<AccessToken> LoadOrCreateAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            var existing = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
            if (existing.Length >= 32)
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                return new AccessToken(existing);
            }
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(token + "\n"), cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
        return new AccessToken(token);
    }

    /// <summary>Constant-time comparison, so the token cannot be guessed byte by byte from response times.</summary>
    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected);
}
