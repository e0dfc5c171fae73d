package dev.multikernel.host.mkctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.host.ssh.ConnectionLostException;
import dev.multikernel.host.ssh.ExecRequest;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.ssh.HostTransport;
import dev.multikernel.host.ssh.LineChannel;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code mkctl session} channels of one client (docs/mkctl.md, "session"): each is one mkctl
 * started once on the host, that answers a JSON line per request.
 *
 * <p><b>Concurrency: one request in flight per channel, a few channels per client, and one-shot
 * when they are all busy.</b> mkctl serves a session's lines one after the other, so pipelining
 * several requests on one channel would make a quick read wait behind a 40-second halt or a lock
 * wait, and a timeout (which can only be handled by closing the channel) would lose the answers of
 * every request queued behind it, mutations included. With one request per channel a slow or lost
 * request costs only its own channel, and "was this request sent?" has a plain answer. Mutations
 * are serialised by the transport's lock as for one-shot commands, so in practice one or two
 * channels are busy; a request that finds every channel busy runs as a one-shot command rather than
 * waiting.
 *
 * <p>Failure rules: a channel that ends, times out or loses its connection during a request is
 * closed and replaced on a later request. The failure is the transport's lost-answer exception,
 * exactly as the one-shot path gives it; a read-only request ({@code state} only) is sent once more
 * on another channel after a lost channel, a mutation never. A host whose mkctl does not speak
 * session protocol {@value #PROTOCOL} and contract {@value MkctlClient#CONTRACT} is served one-shot
 * from then on (logged once); so is one where starting a session failed {@value #GIVE_UP_AFTER}
 * times in a row.
 *
 * <p>Logs through {@link System.Logger} {@code dev.multikernel.host.mkctl.session}: starts, deaths
 * and fallback at DEBUG, each request at TRACE. Never the request's content (blobs), only
 * operation names.
 */
final class MkctlSessions implements AutoCloseable {

    static final System.Logger LOG = System.getLogger("dev.multikernel.host.mkctl.session");

    /** The session protocol version this client speaks. */
    static final int PROTOCOL = 1;

    /** Starts that fail (without a refusal) in a row before the host is served one-shot for good. */
    static final int GIVE_UP_AFTER = 3;

    /** How long a starting session may take to print its greeting. */
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One open channel and what its greeting said. */
    record Session(LineChannel channel, long number, String version, String mode) {}

    /** A request's answer line, parsed. */
    record Answer(long id, JsonNode node, String line, Duration elapsed) {}

    private final HostTransport transport;
    private final int max;
    private final ArrayDeque<Session> idle = new ArrayDeque<>();
    private int open;
    private int startFailures;
    private Optional<String> refused = Optional.empty();
    private boolean closed;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong starts = new AtomicLong();

    MkctlSessions(HostTransport transport, int max) {
        this.transport = transport;
        this.max = max;
    }

    /**
     * Sends {@code ops} (a batch array, as JSON) as one session request. Empty when no session can
     * serve it (sessions refused, or all busy): the caller runs it one-shot.
     *
     * @param command  the command line that starts a session ({@code mkctl --lock-timeout N session})
     * @param names    the operations' names, for logs
     * @param mutating whether any operation changes the host
     * @param timeout  the whole request, as the one-shot command's timeout
     */
    Optional<Answer> request(String command, String opsJson, String names, boolean mutating, Duration timeout)
            throws HostException, MkctlException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecRequest.Access access = mutating ? ExecRequest.Access.MUTATE : ExecRequest.Access.READ;
        for (int attempt = 1; ; attempt++) {
            Optional<Session> acquired;
            try {
                acquired = acquire(command);
            } catch (HostException e) {
                // Nothing was sent. A mutation fails as its one command would have; a read goes
                // one-shot, which makes the transport's own attempts (reads are retried there).
                if (mutating || !e.isTransient()) {
                    throw e;
                }
                LOG.log(
                        Level.DEBUG,
                        () -> "cannot open an mkctl session channel to " + transport.describe() + " (" + e.getMessage()
                                + "); the read runs one-shot");
                return Optional.empty();
            }
            if (acquired.isEmpty()) {
                return Optional.empty();
            }
            Session s = acquired.get();
            long id = ids.incrementAndGet();
            long t0 = System.nanoTime();
            String line;
            try {
                line = s.channel()
                        .exchange(
                                "{\"id\":" + id + ",\"ops\":" + opsJson + "}",
                                access,
                                Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (HostException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                boolean dead = !s.channel().isOpen();
                release(s);
                if (dead) {
                    LOG.log(
                            Level.DEBUG,
                            () -> "mkctl session " + s.number() + " on " + transport.describe()
                                    + " ended during request "
                                    + id + " (" + names + ") after " + took.toMillis() + " ms: "
                                    + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                if (dead && !mutating && attempt == 1 && e instanceof ConnectionLostException) {
                    LOG.log(Level.DEBUG, () -> "sending read-only request " + id + " again on another session");
                    continue;
                }
                throw e;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                node = null;
            }
            if (node == null
                    || !node.isObject()
                    || !node.path("id").canConvertToLong()
                    || node.get("id").asLong() != id) {
                // answers no longer match requests: this channel cannot be trusted any more
                s.channel().close();
                release(s);
                throw new MkctlProtocolException(
                        transport.describe(),
                        "cannot understand the answer of mkctl session on " + transport.describe() + " to request "
                                + id + " (" + names + "): expected a JSON object with \"id\":" + id
                                + ". The mkctl on the host may not match this provider version. Answer: "
                                + (line.length() > 500 ? line.substring(0, 500) + "..." : line),
                        Optional.empty());
            }
            release(s);
            JsonNode answer = node;
            LOG.log(
                    Level.TRACE,
                    () -> "mkctl session " + s.number() + " on " + transport.describe() + " request " + id + " ("
                            + names + "): " + outcome(answer) + " in " + took.toMillis() + " ms");
            return Optional.of(new Answer(id, node, line, took));
        }
    }

    private static String outcome(JsonNode answer) {
        JsonNode error = answer.get("error");
        if (error == null) {
            return "ok";
        }
        return "error " + error.path("kind").asText("?") + " in "
                + error.path("operation").asText("?")
                + (error.path("errno").isTextual() ? " (" + error.get("errno").asText() + ")" : "");
    }

    /** An idle open session, a new one when fewer than {@code max} are open, else empty. */
    private Optional<Session> acquire(String command) throws HostException {
        synchronized (this) {
            if (closed || refused.isPresent()) {
                return Optional.empty();
            }
            while (!idle.isEmpty()) {
                Session s = idle.pollFirst();
                if (s.channel().isOpen()) {
                    return Optional.of(s);
                }
                open--;
                s.channel().close();
                LOG.log(
                        Level.DEBUG,
                        () -> "mkctl session " + s.number() + " on " + transport.describe()
                                + " ended while idle; starting another");
            }
            if (open >= max) {
                LOG.log(
                        Level.TRACE,
                        () -> "all " + max + " mkctl sessions on " + transport.describe() + " are busy: one-shot");
                return Optional.empty();
            }
            open++;
        }
        Optional<Session> s = Optional.empty();
        try {
            s = start(command);
            return s;
        } finally {
            if (s.isEmpty()) {
                synchronized (this) {
                    open--;
                }
            }
        }
    }

    private void release(Session s) {
        boolean keep;
        synchronized (this) {
            keep = !closed && s.channel().isOpen();
            if (keep) {
                idle.addFirst(s);
            } else {
                open--;
            }
        }
        if (!keep) {
            s.channel().close();
        }
    }

    /**
     * Starts one session and checks its greeting. A transport failure to open the channel is thrown
     * (the request was not sent; it does not count against sessions); a greeting that is missing or
     * wrong gives empty.
     */
    private Optional<Session> start(String command) throws HostException {
        long t0 = System.nanoTime();
        ExecRequest request =
                new ExecRequest(command, new byte[0], HELLO_TIMEOUT, ExecRequest.Access.READ, true, Optional.empty());
        Optional<LineChannel> opened = transport.openChannel(request);
        if (opened.isEmpty()) {
            refuse("the transport cannot keep a command open");
            return Optional.empty();
        }
        LineChannel channel = opened.get();
        Optional<String> hello;
        try {
            hello = channel.readLine(HELLO_TIMEOUT);
        } catch (HostException e) {
            channel.close();
            startFailed("no greeting: " + e.getMessage());
            return Optional.empty();
        }
        if (hello.isEmpty()) {
            channel.close();
            startFailed("it ended without a greeting"
                    + channel.exitStatus().stream()
                            .mapToObj(x -> " (exit status " + x + ")")
                            .findFirst()
                            .orElse("")
                    + (channel.stderrSummary().isEmpty() ? "" : ": " + channel.stderrSummary()));
            return Optional.empty();
        }
        String line = hello.get();
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            channel.close();
            refuse("its greeting is not a JSON object: " + abbreviate(line));
            return Optional.empty();
        }
        if (node.has("error")) {
            channel.close();
            if ("usage".equals(node.get("error").path("kind").asText())) {
                refuse("the mkctl on the host does not know sessions: " + abbreviate(line));
            } else {
                startFailed("mkctl answered " + abbreviate(line));
            }
            return Optional.empty();
        }
        if (!"session".equals(node.path("operation").asText())
                || node.path("session").asInt(-1) != PROTOCOL
                || node.path("contract").asInt(-1) != MkctlClient.CONTRACT) {
            channel.close();
            refuse("its greeting does not offer session protocol " + PROTOCOL + " and contract " + MkctlClient.CONTRACT
                    + ": " + abbreviate(line));
            return Optional.empty();
        }
        Session s = new Session(
                channel,
                starts.incrementAndGet(),
                node.path("version").asText("?"),
                node.path("mode").asText("?"));
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        synchronized (this) {
            startFailures = 0;
        }
        LOG.log(
                Level.DEBUG,
                () -> "mkctl session " + s.number() + " started on " + transport.describe() + " (mkctl " + s.version()
                        + ", " + s.mode() + " mode, session protocol " + PROTOCOL + ") in " + ms + " ms");
        return Optional.of(s);
    }

    private void startFailed(String why) {
        int failures;
        synchronized (this) {
            failures = ++startFailures;
        }
        if (failures >= GIVE_UP_AFTER) {
            refuse("starting a session failed " + failures + " times in a row, last: " + why);
        } else {
            LOG.log(
                    Level.DEBUG,
                    () -> "cannot start an mkctl session on " + transport.describe() + " (" + why
                            + "); this request runs one-shot");
        }
    }

    private void refuse(String why) {
        synchronized (this) {
            if (refused.isPresent()) {
                return;
            }
            refused = Optional.of(why);
        }
        LOG.log(
                Level.DEBUG,
                () -> "mkctl sessions are off for " + transport.describe() + ": " + why
                        + "; every request runs as its own command");
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Why sessions are not used for this host, once they have been given up. */
    synchronized Optional<String> refused() {
        return refused;
    }

    /** Sessions started so far. */
    long started() {
        return starts.get();
    }

    /** Closes the idle sessions now and busy ones when their request ends. */
    @Override
    public void close() {
        ArrayDeque<Session> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayDeque<>(idle);
            open -= idle.size();
            idle.clear();
        }
        toClose.forEach(s -> s.channel().close());
    }
}
