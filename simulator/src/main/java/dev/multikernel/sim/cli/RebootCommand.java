package dev.multikernel.sim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reboot}: reboots simulated hosts. */
@Command(
        name = "reboot",
        mixinStandardHelpOptions = true,
        description = "Reboot a simulated host: its SSH connections are cut and its kernel comes back with a "
                + "new boot id.")
final class RebootCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateDirOption stateDir;

    @Option(names = "--host", required = true, paramLabel = "NAME", description = "Host name, or all.")
    String host;

    @Override
    public Integer call() {
        return AdminCall.run(
                stateDir.get(),
                AdminClient.request("reboot").put("host", host),
                spec.commandLine().getOut(),
                spec.commandLine().getErr(),
                RebootCommand::describe);
    }

    private static String describe(JsonNode reply) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode h : reply.path("hosts")) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(h.path("name").asText())
                    .append(" rebooted, boot id ")
                    .append(h.path("bootId").asText());
        }
        return sb.toString();
    }
}
