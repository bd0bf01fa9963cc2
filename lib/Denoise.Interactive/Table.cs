using System.Reflection;

namespace Denoise.Interactive;

/// <summary>Rows of records shown as an HTML table, one column per public property; a cell that ends with one shows it.</summary>
public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows, string? Caption = null)
{
    /// <summary>A table of <paramref name="items"/> with a column for each public property of <typeparamref name="T"/>.</summary>
    public static Table Of<T>(IEnumerable<T> items, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .ToArray();
        var rows = items.Select(item => (IReadOnlyList<object?>)properties.Select(p => p.GetValue(item)).ToArray()).ToList();
        return new Table(properties.Select(p => p.Name).ToList(), rows, caption);
    }

    public string ToHtml() => HtmlTable.Of(Headers, Rows, Caption);
}
