package dev.multikernel.sim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.Operation;
import dev.multikernel.sim.ssh.CommandDrop;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the admin socket understands. Every request is {@code {"command": NAME, ...}}; commands aimed at
 * hosts take {@code "host"}: a host name or {@code "all"}.
 *
 * <table>
 *   <caption>admin commands</caption>
 *   <tr><td>status</td><td>hosts, ports, boot ids, open SSH connections</td></tr>
 *   <tr><td>stop</td><td>stop the simulator</td></tr>
 *   <tr><td>reboot</td><td>reboot hosts: SSH connections cut, new boot id</td></tr>
 *   <tr><td>fail-next</td><td>{@code op}, {@code path} (glob), {@code errno}, {@code count}</td></tr>
 *   <tr><td>halt-timeout, halt-no-quiesce</td><td>{@code on}: true/false</td></tr>
 *   <tr><td>slow</td><td>{@code millis}: every kernel call sleeps first; 0 turns it off</td></tr>
 *   <tr><td>drop-ssh</td><td>no argument: cut every connection now; {@code afterBytes}: cut the next
 *       connection after that many bytes; {@code atCommand}: "before" or "after", with {@code match}
 *       text: cut the connection of the next matching command</td></tr>
 *   <tr><td>refuse-ssh</td><td>{@code millis}: close the SSH port for that long (0 reopens)</td></tr>
 *   <tr><td>clear-faults</td><td>disarm every kernel and SSH fault</td></tr>
 * </table>
 */
final class AdminCommands {

    private static final long MAX_MILLIS = Duration.ofHours(24).toMillis();

    private final Simulator sim;

    AdminCommands(Simulator sim) {
        this.sim = sim;
    }

    ObjectNode handle(JsonNode request) {
        String command = request.path("command").asText();
        return switch (command) {
            case "status" -> sim.status();
            case "stop" -> {
                sim.requestStop();
                yield AdminServer.ok().put("message", "stopping");
            }
            case "reboot" -> perHost(request, (h, out) -> out.put("bootId", h.reboot()));
            case "fail-next" -> failNext(request);
            case "halt-timeout" -> {
                boolean on = bool(request, "on");
                yield perHost(request, (h, out) -> h.kernel().faults().haltTimesOut(on));
            }
            case "halt-no-quiesce" -> {
                boolean on = bool(request, "on");
                yield perHost(request, (h, out) -> h.kernel().faults().haltCannotQuiesce(on));
            }
            case "slow" -> {
                Duration delay = Duration.ofMillis(
                        number(request, "millis", 0, Duration.ofMinutes(10).toMillis()));
                yield perHost(request, (h, out) -> h.kernel().faults().slowReplies(delay));
            }
            case "drop-ssh" -> dropSsh(request);
            case "refuse-ssh" -> {
                Duration d = Duration.ofMillis(number(request, "millis", 0, MAX_MILLIS));
                yield perHost(request, (h, out) -> h.sshFaults().refuseConnectionsFor(d));
            }
            case "clear-faults" ->
                perHost(request, (h, out) -> {
                    h.kernel().faults().clear();
                    h.sshFaults().clear();
                });
            default ->
                AdminServer.error("unknown admin command '" + command + "'; known: status, stop, reboot, "
                        + "fail-next, halt-timeout, halt-no-quiesce, slow, drop-ssh, refuse-ssh, clear-faults");
        };
    }

    private ObjectNode failNext(JsonNode request) {
        Operation op = operation(text(request, "op"));
        String glob = text(request, "path");
        Errno errno = errno(text(request, "errno"));
        int count = (int) number(request, "count", 1, Integer.MAX_VALUE);
        return perHost(request, (h, out) -> h.kernel().faults().failNext(op, glob, errno, count));
    }

    private ObjectNode dropSsh(JsonNode request) {
        if (request.has("afterBytes")) {
            long bytes = number(request, "afterBytes", 0, Long.MAX_VALUE);
            return perHost(request, (h, out) -> h.sshFaults().dropNextConnectionAfterBytes(bytes));
        }
        if (request.has("atCommand")) {
            CommandDrop when = switch (text(request, "atCommand")) {
                case "before" -> CommandDrop.BEFORE_START;
                case "after" -> CommandDrop.AFTER_EXIT;
                default -> throw new IllegalArgumentException("atCommand must be \"before\" or \"after\"");
            };
            String match = request.path("match").asText("");
            return perHost(request, (h, out) -> h.sshFaults().dropNextConnectionAtCommand(when, match));
        }
        return perHost(request, (h, out) -> out.put("dropped", h.sshFaults().dropAllConnections()));
    }

    private interface HostAction {
        void apply(SimulatedHost host, ObjectNode result);
    }

    /** Applies {@code action} to the requested host(s); the reply lists one result object per host. */
    private ObjectNode perHost(JsonNode request, HostAction action) {
        List<SimulatedHost> targets = targets(text(request, "host"));
        ObjectNode reply = AdminServer.ok();
        ArrayNode results = reply.putArray("hosts");
        for (SimulatedHost h : targets) {
            ObjectNode r = results.addObject();
            r.put("name", h.name());
            action.apply(h, r);
        }
        return reply;
    }

    private List<SimulatedHost> targets(String host) {
        if (host.equals("all")) {
            return sim.hosts();
        }
        return sim.host(host)
                .map(List::of)
                .orElseThrow(() -> new IllegalArgumentException("no host '" + host
                        + "'; hosts: "
                        + sim.hosts().stream().map(SimulatedHost::name).collect(Collectors.joining(", "))
                        + " (or all)"));
    }

    private static String text(JsonNode request, String field) {
        JsonNode n = request.path(field);
        if (!n.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" (a string) is required");
        }
        return n.asText();
    }

    private static boolean bool(JsonNode request, String field) {
        JsonNode n = request.path(field);
        if (!n.isBoolean()) {
            throw new IllegalArgumentException("\"" + field + "\" (true or false) is required");
        }
        return n.asBoolean();
    }

    private static long number(JsonNode request, String field, long min, long max) {
        JsonNode n = request.path(field);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw new IllegalArgumentException("\"" + field + "\" must be an integer in " + min + ".." + max);
        }
        return n.asLong();
    }

    static Operation operation(String name) {
        try {
            return Operation.valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown operation '" + name + "'; one of "
                    + List.of(Operation.values()).stream()
                            .map(o -> o.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                            .collect(Collectors.joining(", ")));
        }
    }

    static Errno errno(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        return Errno.ofName(n)
                .or(() -> n.chars().allMatch(Character::isDigit) && !n.isEmpty() && n.length() < 6
                        ? Errno.ofNumber(Integer.parseInt(n))
                        : java.util.Optional.empty())
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown errno '" + name + "'; use a name such as EBUSY, EINVAL, ENOMEM, EIO or a number"));
    }
}
