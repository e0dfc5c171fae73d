package dev.multikernel.provider.functions;

import dev.multikernel.provider.values.CpuList;
import dev.multikernel.provider.values.InvalidValueException;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Description;
import dev.tfjvm.spi.ProviderFunction;
import java.util.List;

/** {@code provider::multikernel::cpulist_expand("4-7,10")} → {@code [4, 5, 6, 7, 10]}. */
public final class CpuListExpandFunction implements ProviderFunction {
    @Override
    public String name() {
        return "cpulist_expand";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter(
                "cpulist",
                CtyType.STRING,
                false,
                false,
                Description.markdown("CPU ids and ranges separated by commas, such as `\"4-7,10\"`.")));
    }

    @Override
    public CtyType returnType() {
        return CtyType.list(CtyType.NUMBER);
    }

    @Override
    public String summary() {
        return "Expands a CPU list such as \"4-7,10\" into the CPU ids it names";
    }

    @Override
    public Description description() {
        return Description.markdown("""
                Expands a CPU list written in the Linux kernel's cpulist syntax (the syntax of \
                `/sys/devices/system/cpu/online`, `taskset -c` and `isolcpus=`) into the logical CPU ids \
                it names, in ascending order.

                - Items are single CPU ids (`10`) or inclusive ranges (`4-7`, low end first), separated \
                by commas. White space around items is ignored; items may come in any order.
                - CPU ids are logical CPU numbers from 0 to %d, as `lscpu` shows them.
                - No CPU may be listed twice: `"4-7,6"` is an error, as it is usually a typo.
                - The empty string is the empty list.
                - The kernel's stride groups (`"0-7:2/4"`) are not accepted.

                ```terraform
                provider::multikernel::cpulist_expand("4-7,10") # [4, 5, 6, 7, 10]
                provider::multikernel::cpulist_expand("")       # []
                ```

                `cpulist_compact` is the inverse.""".formatted(CpuList.MAX_ID));
    }

    @Override
    public CtyValue call(List<CtyValue> arguments) throws FunctionException {
        String text = ((CtyValue.Str) arguments.get(0)).value();
        CpuList cpus;
        try {
            cpus = CpuList.parse(text);
        } catch (InvalidValueException e) {
            throw new FunctionException(e.getMessage(), 0);
        }
        return CtyValue.list(
                CtyType.NUMBER,
                cpus.stream().<CtyValue>mapToObj(CtyValue::number).toList());
    }
}
