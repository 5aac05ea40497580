using System.Data;
using System.Globalization;
using Dapper;

namespace Sprout.Server.Store;

/// <summary>Times are stored as round-trip ISO 8601 text, which sorts and reads well in the sqlite3 shell.</summary>
internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public override DateTimeOffset Parse(object value) =>
        DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    }
}
