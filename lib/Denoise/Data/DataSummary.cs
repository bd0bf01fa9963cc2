namespace Denoise.Data;

/// <summary>A first look at an image set: how many, what shape, what range of pixel values, how many classes.</summary>
public sealed record DataSummary(string Name, int Count, string Shape, string DType, float Min, float Max, float Mean, float Std, int Classes);
