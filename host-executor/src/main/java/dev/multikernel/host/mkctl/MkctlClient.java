package dev.multikernel.host.mkctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multikernel.host.ssh.ExecRequest;
import dev.multikernel.host.ssh.ExecResult;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.ssh.HostTransport;
import dev.multikernel.host.ssh.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed mkctl operations on one host (docs/mkctl.md): builds the command line, sends blobs on
 * stdin, parses the JSON answer and maps failures to typed exceptions. The binary is deployed and
 * checked on the first call, which is one command on the host; later calls go as requests on an
 * open {@code mkctl session} channel (one round trip, no exec, no process start) when the transport
 * can keep a command open and the host's mkctl offers sessions ({@link MkctlSessions}), else each is
 * one command again. Results, exceptions and error mapping are the same either way;
 * {@link MkctlOptions#withoutSessions()} keeps to one command per call.
 *
 * <p>Two kinds of failure, never confused with "the object does not exist":
 * {@link HostException} (the host could not be reached or the call timed out) and
 * {@link MkctlException} (mkctl ran and reported an error). Thread-safe; mutations on one host
 * are serialised by the transport and by mkctl's lock on the host.
 */
public final class MkctlClient implements Mkctl, AutoCloseable {

    /** Exit status and marker of the deployment check that runs before the first command. */
    static final int NOT_DEPLOYED_STATUS = 97;

    static final String NOT_DEPLOYED_MARKER = "mkctl-not-deployed";

    /** The docs/mkctl.md contract version this client speaks. */
    public static final int CONTRACT = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostTransport transport;
    /** For an upload, switches to the host's machine when the first command finds another one. */
    private volatile MkctlInstall install;

    private final MkctlOptions options;
    private final Object deployLock = new Object();
    /** Whether the binary on the host was found (and, for uploads, checked) in this process. */
    private volatile boolean verified;
    /** The session channels, when sessions are on. */
    private final Optional<MkctlSessions> sessions;

    public MkctlClient(HostTransport transport, MkctlInstall install, MkctlOptions options) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.install = Objects.requireNonNull(install, "install");
        this.options = Objects.requireNonNull(options, "options");
        this.sessions = options.sessions() > 0
                ? Optional.of(new MkctlSessions(transport, options.sessions()))
                : Optional.empty();
    }

    /** A client that uploads the embedded binary to the default directory. */
    public static MkctlClient withEmbeddedBinary(HostTransport transport) {
        return new MkctlClient(transport, MkctlInstall.Upload.defaults(), MkctlOptions.DEFAULTS);
    }

    public HostTransport transport() {
        return transport;
    }

    /** Sessions started on the host by this client so far (0 with sessions off or refused). */
    public long sessionsStarted() {
        return sessions.map(MkctlSessions::started).orElse(0L);
    }

    /** Why this client runs one command per call although sessions are on, once it has given them up. */
    public Optional<String> sessionsRefused() {
        return sessions.flatMap(MkctlSessions::refused);
    }

    /**
     * Closes this client's session channels (the host's mkctl sessions end). The transport stays
     * open and the client usable: later calls run one command each.
     */
    @Override
    public void close() {
        sessions.ifPresent(MkctlSessions::close);
    }

    // ---- typed operations ----

    public MkctlResult.Version version() throws HostException, MkctlException {
        return (MkctlResult.Version) run("version", List.of(), Optional.empty(), false, Duration.ofSeconds(30));
    }

    /** Runs one operation alone. */
    @Override
    public MkctlResult run(MkctlOperation op) throws HostException, MkctlException {
        Optional<MkctlSessions.Answer> viaSession = viaSession(List.of(op));
        if (viaSession.isPresent()) {
            return single(op.name(), viaSession.get());
        }
        return run(op.name(), op.options(), op.blob(), op.mutating(), op.expectedDuration());
    }

    /**
     * Runs operations in order under one lock, in one round trip, stopping at the first failure. A
     * failure's exception carries the results of the operations that completed before it
     * ({@link MkctlException#completed()}): those took effect.
     */
    @Override
    public List<MkctlResult> batch(List<MkctlOperation> operations) throws HostException, MkctlException {
        if (operations.isEmpty()) {
            return List.of();
        }
        if (operations.size() > 256) {
            throw new IllegalArgumentException("a batch holds at most 256 operations, got " + operations.size());
        }
        Optional<MkctlSessions.Answer> viaSession = viaSession(operations);
        if (viaSession.isPresent()) {
            MkctlSessions.Answer a = viaSession.get();
            return batchAnswer(operations, a.node(), 0, e -> protocol("batch", a, e));
        }
        Duration expected = Duration.ZERO;
        boolean mutating = false;
        for (MkctlOperation op : operations) {
            expected = expected.plus(op.expectedDuration());
            mutating |= op.mutating();
        }
        byte[] stdin = encode(operations);
        ExecResult result = execute("batch", List.of(), Optional.of(stdin), mutating, expected);
        JsonNode answer = parseJson(result, "batch");
        return batchAnswer(operations, answer, result.exitStatus(), e -> protocol("batch", result, e));
    }

    /** The exception for an answer that does not fit the contract. */
    private interface ProtocolError {
        MkctlProtocolException of(AnswerException e);
    }

    /**
     * A batch answer (one-shot, or a session answer: the same object with an {@code id} first) to
     * results or the typed exception. {@code exitStatus} is 0 for a session answer (no exit status).
     */
    private List<MkctlResult> batchAnswer(
            List<MkctlOperation> operations, JsonNode answer, int exitStatus, ProtocolError protocol)
            throws MkctlException {
        List<MkctlResult> results = new ArrayList<>();
        try {
            // a usage error (nothing ran) has no results
            List<JsonNode> items =
                    answer.has("error") && !answer.has("results") ? List.of() : Json.array(answer, "results", "batch");
            for (int i = 0; i < items.size() && i < operations.size(); i++) {
                results.add(Answers.parse(operations.get(i).name(), items.get(i), "batch.results[" + i + "]"));
            }
            if (answer.has("error")) {
                throw Failures.from(transport.describe(), Answers.error(answer.get("error"), "batch.error"), results);
            }
            if (exitStatus != 0
                    || results.size() != operations.size()
                    || Json.integer(answer, "completed", "batch") != operations.size()) {
                throw new AnswerException("batch answered exit " + exitStatus + " with " + results.size()
                        + " results for " + operations.size() + " operations and no error");
            }
        } catch (AnswerException e) {
            throw protocol.of(e);
        }
        return List.copyOf(results);
    }

    /**
     * The session answer to one operation sent alone, as {@code mkctl <op>} would have answered: the
     * result, or the error without the {@code batch_index} a one-operation batch adds.
     */
    private MkctlResult single(String name, MkctlSessions.Answer a) throws MkctlException {
        JsonNode answer = a.node();
        try {
            if (answer.has("error")) {
                JsonNode error = answer.get("error");
                if (error.isObject()) {
                    ObjectNode alone = error.deepCopy();
                    alone.remove("batch_index");
                    error = alone;
                }
                throw Failures.from(transport.describe(), Answers.error(error, name + ".error"), List.of());
            }
            List<JsonNode> items = Json.array(answer, "results", "batch");
            if (items.size() != 1 || Json.integer(answer, "completed", "batch") != 1) {
                throw new AnswerException(
                        "a request of one operation answered with " + items.size() + " results and no error");
            }
            return Answers.parse(name, items.get(0), name);
        } catch (AnswerException e) {
            throw protocol(name, a, e);
        }
    }

    /**
     * Sends {@code operations} as one session request when this client has sessions, the binary on
     * the host is verified (the first call of a client is a command: it deploys and checks mkctl)
     * and a session is free; empty otherwise (the caller runs them as a command).
     */
    private Optional<MkctlSessions.Answer> viaSession(List<MkctlOperation> operations)
            throws HostException, MkctlException {
        if (sessions.isEmpty() || !verified) {
            return Optional.empty();
        }
        Duration expected = Duration.ZERO;
        boolean mutating = false;
        StringBuilder names = new StringBuilder();
        for (MkctlOperation op : operations) {
            expected = expected.plus(op.expectedDuration());
            mutating |= op.mutating();
            names.append(names.length() == 0 ? "" : ",").append(op.name());
        }
        String command = Shell.join(List.of(
                install.programPath(),
                "--lock-timeout",
                Long.toString(options.lockTimeout().getSeconds()),
                "session"));
        Duration timeout = options.lockTimeout().plus(mutating ? expected : options.readTimeout());
        return sessions.get()
                .request(
                        command,
                        new String(encode(operations), StandardCharsets.UTF_8),
                        names.toString(),
                        mutating,
                        timeout);
    }

    private static byte[] encode(List<MkctlOperation> operations) {
        ArrayNode array = JSON.createArrayNode();
        for (MkctlOperation op : operations) {
            array.add(JSON.valueToTree(op.toBatchJson()));
        }
        try {
            return JSON.writeValueAsBytes(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a batch", e);
        }
    }

    // ---- running ----

    private MkctlResult run(String name, List<String> opts, Optional<byte[]> blob, boolean mutating, Duration expected)
            throws HostException, MkctlException {
        ExecResult result = execute(name, opts, blob, mutating, expected);
        JsonNode answer = parseJson(result, name);
        try {
            if (answer.has("error")) {
                throw Failures.from(
                        transport.describe(), Answers.error(answer.get("error"), name + ".error"), List.of());
            }
            if (result.exitStatus() != 0) {
                throw new AnswerException("exit status " + result.exitStatus() + " without an error object");
            }
            return Answers.parse(name, answer, name);
        } catch (AnswerException e) {
            throw protocol(name, result, e);
        }
    }

    private ExecResult execute(
            String name, List<String> opts, Optional<byte[]> blob, boolean mutating, Duration expected)
            throws HostException, MkctlException {
        if (!verified && install instanceof MkctlInstall.Preinstalled && !name.equals("version")) {
            checkContract();
        }
        List<String> argv = new ArrayList<>();
        argv.add(install.programPath());
        argv.add("--lock-timeout");
        argv.add(Long.toString(options.lockTimeout().getSeconds()));
        argv.add(name);
        argv.addAll(opts);
        Duration timeout = options.lockTimeout().plus(mutating ? expected : options.readTimeout());
        ExecRequest request = new ExecRequest(
                Shell.join(argv),
                blob.orElse(new byte[0]),
                timeout,
                mutating ? ExecRequest.Access.MUTATE : ExecRequest.Access.READ,
                true,
                Optional.empty());
        for (int attempt = 0; ; attempt++) {
            MkctlInstall current = install;
            boolean check = !verified && current instanceof MkctlInstall.Upload;
            if (attempt > 0) {
                argv.set(0, current.programPath());
                request = new ExecRequest(
                        Shell.join(argv),
                        request.stdin(),
                        request.timeout(),
                        request.access(),
                        request.privileged(),
                        Optional.empty());
            }
            ExecResult r = transport.exec(check ? request.withGuard(guard((MkctlInstall.Upload) current)) : request);
            boolean notDeployed = check
                    && r.exitStatus() == NOT_DEPLOYED_STATUS
                    && r.stderrText().contains(NOT_DEPLOYED_MARKER);
            if (!notDeployed && !programMissing(r)) {
                verified = true;
                return r;
            }
            // the command did not run: deploying and sending it again is safe, even for mutations
            if (attempt > 0 || current instanceof MkctlInstall.Preinstalled) {
                throw notThere(r, attempt > 0);
            }
            Optional<String> machine = otherMachine(r);
            if (machine.isPresent()) {
                // the host is another machine than assumed: from now on its binary is the one
                MkctlInstall.Upload upload = (MkctlInstall.Upload) current;
                install = upload.forMachine(machine.get())
                        .orElseThrow(() -> new MkctlDeploymentException(
                                transport.describe(),
                                transport.describe() + " is a " + machine.get() + " machine and this "
                                        + "provider has mkctl for "
                                        + String.join(" and ", upload.binaries().keySet()) + " only: "
                                        + "install mkctl for " + machine.get() + " on the host and configure its path",
                                Optional.empty()));
            }
            verified = false;
            deploy();
        }
    }

    /** The machine the guard found when it is not the one the upload assumed. */
    private static Optional<String> otherMachine(ExecResult r) {
        String err = r.stderrText();
        int at = err.indexOf(NOT_DEPLOYED_MARKER + " machine=");
        if (r.exitStatus() != NOT_DEPLOYED_STATUS || at < 0) {
            return Optional.empty();
        }
        String rest = err.substring(at + NOT_DEPLOYED_MARKER.length() + " machine=".length());
        String machine = rest.split("\\s", 2)[0];
        return machine.matches("[A-Za-z0-9_.-]{1,32}") ? Optional.of(machine) : Optional.empty();
    }

    /** A pre-installed mkctl must speak our contract version; an uploaded one is ours by its checksum. */
    private void checkContract() throws HostException, MkctlException {
        MkctlResult.Version v = version();
        if (v.contract() != CONTRACT) {
            verified = false;
            throw new MkctlDeploymentException(
                    transport.describe(),
                    "the mkctl at " + install.programPath() + " on "
                            + transport.describe() + " speaks contract version " + v.contract() + " (mkctl "
                            + v.version()
                            + "), this provider needs version " + CONTRACT + ": install the matching mkctl, or let the "
                            + "provider upload its own",
                    Optional.empty());
        }
    }

    /**
     * Unprivileged check that the host is the machine the upload assumes and that the uploaded
     * binary is there and is ours, before running it.
     */
    private static String guard(MkctlInstall.Upload upload) {
        return "case \"$(uname -m)\" in " + Shell.quote(upload.machine()) + ") ;; *) echo " + NOT_DEPLOYED_MARKER
                + " machine=\"$(uname -m)\" >&2; exit " + NOT_DEPLOYED_STATUS + ";; esac; "
                + "[ \"$(sha256sum < " + Shell.quote(upload.path()) + " 2>/dev/null)\" = "
                + Shell.quote(upload.binary().sha256() + "  -") + " ] || { echo " + NOT_DEPLOYED_MARKER
                + " >&2; exit " + NOT_DEPLOYED_STATUS + "; }";
    }

    /** The shell or sudo could not find or execute the program (so it did not run at all). */
    private static boolean programMissing(ExecResult r) {
        if (r.stdout().length > 0) {
            return false;
        }
        String err = r.stderrText();
        return (r.exitStatus() == 127 || r.exitStatus() == 126 || r.exitStatus() == 1)
                && (err.contains("not found")
                        || err.contains("No such file")
                        || err.contains("Permission denied")
                        || err.contains("Exec format error")
                        || err.contains("cannot execute"));
    }

    private MkctlDeploymentException notThere(ExecResult r, boolean afterUpload) {
        String path = install.programPath();
        String err = r.stderrSummary();
        if (err.contains("Exec format error") || err.contains("cannot execute binary")) {
            return new MkctlDeploymentException(
                    transport.describe(),
                    "mkctl at " + path + " cannot run on "
                            + transport.describe() + ": it is built for another architecture than the host's (" + err
                            + "); install the mkctl built for the host's architecture",
                    Optional.empty());
        }
        if (install instanceof MkctlInstall.Preinstalled) {
            return new MkctlDeploymentException(
                    transport.describe(),
                    "mkctl is not at the configured path " + path
                            + " on " + transport.describe() + " (or cannot be executed there): " + err
                            + ". Install it there, or "
                            + "let the provider upload it",
                    Optional.empty());
        }
        return new MkctlDeploymentException(
                transport.describe(),
                "mkctl was uploaded to " + path + " on "
                        + transport.describe() + " but "
                        + (afterUpload ? "its SHA-256 still does not match or it cannot be " + "run" : "cannot be run")
                        + ": " + err + ". Check that the directory is on a filesystem that allows "
                        + "execution (not mounted noexec) and that sha256sum is installed",
                Optional.empty());
    }

    private void deploy() throws HostException {
        MkctlInstall.Upload upload = (MkctlInstall.Upload) install;
        synchronized (deployLock) {
            if (verified) {
                return;
            }
            transport.upload(upload.binary().content(), upload.path(), 0755, options.uploadTimeout());
        }
    }

    private JsonNode parseJson(ExecResult result, String operation) throws MkctlException {
        String out = new String(result.stdout(), StandardCharsets.UTF_8).strip();
        if (out.isEmpty()) {
            throw new MkctlProtocolException(
                    transport.describe(),
                    "mkctl " + operation + " on "
                            + transport.describe() + " printed nothing (exit status " + result.exitStatus() + "): "
                            + result.stderrSummary(),
                    Optional.empty());
        }
        try {
            JsonNode node = JSON.readTree(out);
            if (node == null || !node.isObject()) {
                throw new AnswerException("the answer is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw protocol(operation, result, new AnswerException("the answer is not JSON: " + e.getMessage(), e));
        } catch (AnswerException e) {
            throw protocol(operation, result, e);
        }
    }

    private MkctlProtocolException protocol(String operation, MkctlSessions.Answer a, AnswerException e) {
        String out = a.line();
        return new MkctlProtocolException(
                transport.describe(),
                "cannot understand the answer of mkctl " + operation
                        + " on " + transport.describe() + " (session request " + a.id() + "): "
                        + e.getMessage()
                        + ". The mkctl on the host may not match this provider version. Answer: "
                        + (out.length() > 500 ? out.substring(0, 500) + "..." : out.strip()),
                Optional.empty(),
                e);
    }

    private MkctlProtocolException protocol(String operation, ExecResult result, AnswerException e) {
        String out = result.stdoutText();
        return new MkctlProtocolException(
                transport.describe(),
                "cannot understand the answer of mkctl " + operation
                        + " on " + transport.describe() + " (exit status " + result.exitStatus() + "): "
                        + e.getMessage()
                        + ". The mkctl on the host may not match this provider version. Answer: "
                        + (out.length() > 500 ? out.substring(0, 500) + "..." : out.strip())
                        + (result.stderr().length > 0 ? "; stderr: " + result.stderrSummary() : ""),
                Optional.empty(),
                e);
    }
}
