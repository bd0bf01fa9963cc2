using Denoise.Tensors;

namespace Denoise.Tests.Tensors;

public sealed class CpuFeaturesTests
{
    private const string Zen4 = """
        processor	: 0
        model name	: AMD EPYC 9R14
        flags		: fpu vme de avx2 avx512f avx512_bf16 clzero
        bugs		: sysret_ss_attrs

        processor	: 1
        flags		: fpu vme de avx2 avx512f avx512_bf16 clzero
        """;

    [Fact]
    public void Avx512_bf16_in_the_flags_is_native_bf16_once()
    {
        Assert.Equal(["avx512_bf16"], CpuFeatures.BFloat16FlagsIn(Zen4));
    }

    [Fact]
    public void Amx_bf16_counts_too_and_both_are_listed_in_order()
    {
        Assert.Equal(["amx_bf16", "avx512_bf16"], CpuFeatures.BFloat16FlagsIn("flags\t\t: avx512f amx_bf16 avx512_bf16 amx_tile\n"));
    }

    [Theory]
    [InlineData("flags\t\t: fpu avx2 avx512f avx512_vnni\n")]
    [InlineData("model name\t: avx512_bf16 in a name is not a flag\n")]
    [InlineData("")]
    public void Without_a_bf16_flag_there_is_no_native_bf16(string cpuinfo)
    {
        Assert.Empty(CpuFeatures.BFloat16FlagsIn(cpuinfo));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("ALL", true)]
    [InlineData("avx512_core_bf16", true)]
    [InlineData("AVX512_CORE_AMX", true)]
    [InlineData("AVX2", false)]
    [InlineData("AVX512_CORE_VNNI", false)]
    public void A_cap_on_onednns_instruction_set_can_rule_out_its_bf16_kernels(string? cap, bool allowed)
    {
        Assert.Equal(allowed, CpuFeatures.OneDnnAllowsBFloat16(cap));
    }

    [Fact]
    public void The_machines_answer_says_where_it_came_from()
    {
        Assert.False(string.IsNullOrWhiteSpace(CpuFeatures.BFloat16Source));
    }
}
