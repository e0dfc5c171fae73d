package dev.multikernel.provider.hosts;

import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.plan.PlannedPool;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the plans of one Terraform run have promised on each host so far. Terraform plans one
 * resource at a time; resources aimed at the same host record here what they will leave behind
 * so that the next resource is validated against the whole host, not only against what the host
 * holds today (for example: instances planned in the same run as the pool that makes room for
 * them). Cleared whenever Terraform configures the provider, that is at every run.
 */
public final class PlanLedger {
    private final Map<HostAddress, PlannedPool> pools = new HashMap<>();
    private final Map<HostAddress, Set<String>> instances = new HashMap<>();

    /** Records what the pool of {@code host} will be once this run's plan is applied. */
    public synchronized void recordPool(HostAddress host, PlannedPool pool) {
        pools.put(host, pool);
    }

    /** The pool this run plans for {@code host}; empty when no pool resource of this run aims at it. */
    public synchronized Optional<PlannedPool> plannedPool(HostAddress host) {
        return Optional.ofNullable(pools.get(host));
    }

    /** Records that this run's plan creates or keeps the instance {@code name} on {@code host}. */
    public synchronized void recordInstance(HostAddress host, String name) {
        instances.computeIfAbsent(host, h -> new HashSet<>()).add(name);
    }

    /** Whether this run's plans so far include the instance {@code name} on {@code host}. */
    public synchronized boolean plansInstance(HostAddress host, String name) {
        return instances.getOrDefault(host, Set.of()).contains(name);
    }

    synchronized void clear() {
        instances.clear();
        pools.clear();
    }
}
