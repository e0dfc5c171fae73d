package dev.multikernel.provider.hosts;

import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.plan.InstanceRequest;
import dev.multikernel.provider.plan.PlannedPool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the plans of one Terraform run have promised on each host so far. Terraform plans one
 * resource at a time; resources aimed at the same host record here what they will leave behind
 * so that the next resource is validated against the whole host, not only against what the host
 * holds today (for example: instances planned in the same run as the pool that makes room for
 * them). Cleared whenever Terraform configures the provider, that is at every run.
 */
public final class PlanLedger {
    private final Map<HostAddress, PlannedPool> pools = new HashMap<>();
    private final Map<HostAddress, Map<String, InstanceRequest>> instances = new HashMap<>();
    private final Map<HostAddress, ReentrantLock> allocationLocks = new HashMap<>();
    private final Map<HostAddress, java.util.Set<String>> released = new HashMap<>();
    private final java.util.Set<String> reported = new java.util.HashSet<>();
    private final Map<HostAddress, java.util.Set<String>> managed = new HashMap<>();

    /** Records what the pool of {@code host} will be once this run's plan is applied. */
    public synchronized void recordPool(HostAddress host, PlannedPool pool) {
        pools.put(host, pool);
    }

    /** The pool this run plans for {@code host}; empty when no pool resource of this run aims at it. */
    public synchronized Optional<PlannedPool> plannedPool(HostAddress host) {
        return Optional.ofNullable(pools.get(host));
    }

    /**
     * Records (or replaces, by name) the request of one instance on {@code host} and returns every
     * instance request this run has recorded for that host, so they can be planned together.
     */
    public synchronized List<InstanceRequest> recordInstance(HostAddress host, InstanceRequest request) {
        Map<String, InstanceRequest> byName = instances.computeIfAbsent(host, h -> new TreeMap<>());
        byName.put(request.name(), request);
        return new ArrayList<>(byName.values());
    }

    /**
     * Records that Terraform state of this run holds host instance {@code name} (it was read or
     * planned with its prior state), so a plan that creates {@code name} again is a replacement
     * of it, not a clash with an instance made elsewhere.
     */
    public synchronized void recordManaged(HostAddress host, String name) {
        managed.computeIfAbsent(host, h -> new java.util.TreeSet<>()).add(name);
    }

    /** Whether {@link #recordManaged} was called for {@code name} on {@code host} in this run. */
    public synchronized boolean manages(HostAddress host, String name) {
        return managed.getOrDefault(host, java.util.Set.of()).contains(name);
    }

    /** How many instance requests this run has recorded for {@code host} (for logs). */
    public synchronized int requestCount(HostAddress host) {
        return instances.getOrDefault(host, Map.of()).size();
    }

    /** Whether this run plans an instance called {@code name} on {@code host}. */
    public synchronized boolean plansInstance(HostAddress host, String name) {
        return instances.getOrDefault(host, Map.of()).containsKey(name);
    }

    /** Forgets the request of instance {@code name} on {@code host} (it was deleted). */
    public synchronized void forgetInstance(HostAddress host, String name) {
        Map<String, InstanceRequest> byName = instances.get(host);
        if (byName != null) {
            byName.remove(name);
        }
    }

    /**
     * The lock that makes choosing CPUs on {@code host} and taking them one step: two instances
     * created in parallel must not both be given the same free CPUs.
     */
    public synchronized ReentrantLock allocationLock(HostAddress host) {
        return allocationLocks.computeIfAbsent(host, h -> new ReentrantLock());
    }

    /** Records that this run removes host instance {@code name} (its resource is replaced under another name). */
    public synchronized void release(HostAddress host, String name) {
        released.computeIfAbsent(host, h -> new java.util.TreeSet<>()).add(name);
    }

    /** Host instances this run removes. */
    public synchronized java.util.Set<String> released(HostAddress host) {
        return java.util.Set.copyOf(released.getOrDefault(host, java.util.Set.of()));
    }

    /**
     * Whether {@code problem} is shown for the first time in this run: a problem found while
     * planning one resource may concern another, and is shown once.
     */
    public synchronized boolean firstReport(String problem) {
        return reported.add(problem);
    }

    synchronized void clear() {
        reported.clear();
        pools.clear();
        instances.clear();
        released.clear();
        managed.clear();
    }
}
