package dev.multikernel.provider.testing;

import dev.multikernel.host.mkctl.Mkctl;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.hosts.HostErrors;
import dev.multikernel.provider.hosts.Hosts;
import dev.multikernel.provider.hosts.PlanLedger;
import dev.tfjvm.spi.ResourceException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link Hosts} for unit tests of resources: one host with a fixed {@link HostState}, and a
 * {@link Mkctl} that records every operation and answers it from a script ({@link #on}). An
 * operation nobody scripted fails the test; a scripted answer may change the state the next read
 * sees (the host after the change).
 */
public final class FakeHosts implements Hosts {

    /** What the fake host answers to one operation. */
    @FunctionalInterface
    public interface Answer<T extends MkctlOperation> {
        MkctlResult answer(T operation) throws HostException, MkctlException;
    }

    private record Scripted(Answer<MkctlOperation> answer, HostState after) {}

    private HostState state;
    private final PlanLedger ledger = new PlanLedger();
    private final List<MkctlOperation> operations = new ArrayList<>();
    private final Map<Class<?>, Deque<Scripted>> script = new HashMap<>();
    private int stateReads;
    private int requests;

    public FakeHosts(HostState state) {
        this.state = Objects.requireNonNull(state);
    }

    /** The next {@code type} operation is answered by {@code answer}; the host is {@code after} from then on. */
    @SuppressWarnings("unchecked")
    public synchronized <T extends MkctlOperation> FakeHosts on(Class<T> type, HostState after, Answer<T> answer) {
        script.computeIfAbsent(type, t -> new ArrayDeque<>()).add(new Scripted((Answer<MkctlOperation>) answer, after));
        return this;
    }

    /** The next {@code type} operation answers {@code result}; the host is {@code after} from then on. */
    public <T extends MkctlOperation> FakeHosts on(Class<T> type, HostState after, MkctlResult result) {
        return on(type, after, op -> result);
    }

    /** Sets what the host looks like now (a change behind Terraform's back). */
    public synchronized void setState(HostState state) {
        this.state = Objects.requireNonNull(state);
    }

    public synchronized HostState currentState() {
        return state;
    }

    /** Every operation sent to the host, in order, reads included. */
    public synchronized List<MkctlOperation> operations() {
        return List.copyOf(operations);
    }

    /** The operations that change the host, in order. */
    public synchronized List<MkctlOperation> changes() {
        return operations.stream().filter(MkctlOperation::mutating).toList();
    }

    /** Round trips to the host: each operation run alone, and each batch, counts one. */
    public synchronized int requests() {
        return requests;
    }

    /** How often a resource asked for the host's state (cached or not). */
    public synchronized int stateReads() {
        return stateReads;
    }

    @Override
    public synchronized HostState state(HostAddress host) {
        stateReads++;
        return state;
    }

    @Override
    public void forget(HostAddress host) {}

    /** What a change's own read said the host is now; it must be what the fake host holds. */
    @Override
    public synchronized void remember(HostAddress host, HostState remembered) {
        if (!remembered.equals(state)) {
            throw new AssertionError("remembered a state the host does not have");
        }
    }

    @Override
    public <T> T call(HostAddress host, HostCall<T> read) throws ResourceException {
        try {
            return read.call(mkctl);
        } catch (HostException e) {
            throw HostErrors.of(host, e);
        } catch (MkctlException e) {
            throw HostErrors.of(host, e);
        }
    }

    @Override
    public PlanLedger ledger() {
        return ledger;
    }

    private final Mkctl mkctl = new Mkctl() {
        @Override
        public MkctlResult run(MkctlOperation op) throws HostException, MkctlException {
            synchronized (FakeHosts.this) {
                requests++;
            }
            return answer(op);
        }

        private MkctlResult answer(MkctlOperation op) throws HostException, MkctlException {
            Scripted next;
            synchronized (FakeHosts.this) {
                operations.add(op);
                if (op instanceof MkctlOperation.State) {
                    return new MkctlResult.StateRead(state);
                }
                Deque<Scripted> queue = script.get(op.getClass());
                next = queue == null ? null : queue.poll();
                if (next == null) {
                    throw new AssertionError("unexpected mkctl operation " + op.name() + " " + op.options()
                            + "; scripted: " + script.keySet());
                }
            }
            MkctlResult result = next.answer().answer(op);
            synchronized (FakeHosts.this) {
                state = next.after();
            }
            return result;
        }

        @Override
        public List<MkctlResult> batch(List<MkctlOperation> ops) throws HostException, MkctlException {
            synchronized (FakeHosts.this) {
                requests++;
            }
            List<MkctlResult> results = new ArrayList<>();
            for (MkctlOperation op : ops) {
                results.add(answer(op));
            }
            return results;
        }
    };
}
