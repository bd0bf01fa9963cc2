using Denoise.Data;
using Microsoft.ML.Data;

namespace Denoise.Tests.Data;

[Collection("torch")]
public sealed class DigitDataViewTests : IDisposable
{
    readonly TempFolder _temp = new();
    readonly DigitSet _set;

    public DigitDataViewTests()
    {
        Samples.WriteDataFolder(_temp.Path, count: 3, [4, 1, 8]);
        _set = DataSets.Read(DataSetKind.Mnist, Split.Train, null, _temp.Path);
    }

    public void Dispose()
    {
        _set.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Schema_has_a_UInt32_label_and_784_pixels()
    {
        var view = _set.ToDataView();

        Assert.Equal(2, view.Schema.Count);
        Assert.Equal(NumberDataViewType.UInt32, view.Schema["Label"].Type);
        var pixels = Assert.IsType<VectorDataViewType>(view.Schema["Pixels"].Type);
        Assert.Equal(NumberDataViewType.Single, pixels.ItemType);
        Assert.Equal(784, pixels.Size);
        Assert.Equal(3L, view.GetRowCount());
    }

    [Fact]
    public void Cursor_reads_labels_and_pixels_row_by_row()
    {
        var view = _set.ToDataView();
        using var cursor = view.GetRowCursor(view.Schema);
        var label = cursor.GetGetter<uint>(view.Schema["Label"]);
        var pixels = cursor.GetGetter<VBuffer<float>>(view.Schema["Pixels"]);
        var labels = new List<uint>();
        var values = new List<float[]>();

        while (cursor.MoveNext())
        {
            uint l = 0;
            VBuffer<float> p = default;
            label(ref l);
            pixels(ref p);
            labels.Add(l);
            values.Add(p.DenseValues().ToArray());
        }

        Assert.Equal([4u, 1u, 8u], labels);
        Assert.All(values, v => Assert.Equal(784, v.Length));
        Assert.Equal(1f, values[2][0]);
        // Bytes over 255 in float32: within an ulp of the float32 literals.
        Assert.Equal(102f / 255f, values[2][783], 6);
        Assert.Equal(0.2f, values[1][400], 6);
    }

    [Fact]
    public void A_column_not_requested_has_no_getter()
    {
        var view = _set.ToDataView();
        using var cursor = view.GetRowCursor([view.Schema["Label"]]);

        Assert.False(cursor.IsColumnActive(view.Schema["Pixels"]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema["Pixels"]));
    }
}
