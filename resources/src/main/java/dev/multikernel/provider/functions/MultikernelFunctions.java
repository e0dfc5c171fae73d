package dev.multikernel.provider.functions;

import dev.tfjvm.spi.ProviderFunction;
import java.util.List;

/** Every provider function of the multikernel provider: pure, offline, deterministic. */
public final class MultikernelFunctions {
    private MultikernelFunctions() {}

    public static List<ProviderFunction> all() {
        return List.of(
                new CpuListExpandFunction(),
                new CpuListCompactFunction(),
                new SizeParseFunction(),
                new SizeFormatFunction());
    }
}
