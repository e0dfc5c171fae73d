package dev.multikernel.provider.functions;

import dev.multikernel.provider.values.CpuList;
import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Description;
import dev.tfjvm.spi.ProviderFunction;
import java.util.List;

/** {@code provider::multikernel::cpulist_compact([10, 4, 5, 6, 7])} → {@code "4-7,10"}. */
public final class CpuListCompactFunction implements ProviderFunction {
    private static final String RANGE = "CPU ids are whole numbers from 0 to " + CpuList.MAX_ID;

    @Override
    public String name() {
        return "cpulist_compact";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter(
                "cpus",
                CtyType.list(CtyType.NUMBER),
                false,
                false,
                Description.markdown("Logical CPU ids, in any order, such as `[10, 4, 5, 6, 7]`; a set works too.")));
    }

    @Override
    public CtyType returnType() {
        return CtyType.STRING;
    }

    @Override
    public String summary() {
        return "Writes CPU ids as a compact CPU list such as \"4-7,10\"";
    }

    @Override
    public Description description() {
        return Description.markdown("""
                Writes a collection of logical CPU ids as a CPU list in the Linux kernel's cpulist \
                syntax, the way the kernel prints one: ascending, each run of two or more consecutive \
                CPUs as a range.

                - The ids may come in any order; an id listed more than once counts once (the result \
                is a set of CPUs).
                - Each id must be a whole number from 0 to %d.
                - The empty list gives the empty string.

                ```terraform
                provider::multikernel::cpulist_compact([10, 4, 5, 6, 7]) # "4-7,10"
                provider::multikernel::cpulist_compact([3, 1, 2, 2])     # "1-3"
                ```

                `cpulist_expand` is the inverse.""".formatted(CpuList.MAX_ID));
    }

    @Override
    public CtyValue call(List<CtyValue> arguments) throws FunctionException {
        CtyValue list = arguments.get(0);
        if (!list.isWhollyKnown()) {
            return CtyValue.unknown(CtyType.STRING);
        }
        List<CtyValue> elements = ((CtyValue.ListVal) list).elements();
        int[] ids = new int[elements.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = cpuId(elements.get(i), i);
        }
        return CtyValue.string(CpuList.of(ids).format());
    }

    private static int cpuId(CtyValue element, int index) throws FunctionException {
        if (element.isNull()) {
            throw new FunctionException("element " + index + " is null; " + RANGE, 0);
        }
        CtyNumber n = ((CtyValue.Num) element).value();
        if (!n.isInfinite() && !n.isIntegral()) {
            throw new FunctionException(
                    "element " + index + " is " + Arguments.show(n) + ", not a whole number; " + RANGE, 0);
        }
        if (!n.fitsLong() || !CpuList.isValidId(n.longValueExact())) {
            throw new FunctionException("element " + index + " is " + Arguments.show(n) + "; " + RANGE, 0);
        }
        return (int) n.longValueExact();
    }
}
