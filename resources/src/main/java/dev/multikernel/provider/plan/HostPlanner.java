package dev.multikernel.provider.plan;

import dev.multikernel.host.devicetree.multikernel.Multikernel;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Validates and places every instance aimed at one host together, against that host's state.
 * Deterministic: requests are handled in name order whatever order they come in, CPUs and ids
 * already held (in state or on the host) are kept, and new ones are picked by the named
 * strategy from what is left. See {@code docs/design/planning.md} for every rule.
 */
public final class HostPlanner {
    /** Lowest instance id: 0 is the host. */
    public static final int MIN_ID = 1;
    /** Highest instance id: the kexec flags carry it in 11 bits ({@code KEXEC_MK_ID_MASK}). */
    public static final int MAX_ID = dev.multikernel.host.state.InstanceState.MAX_ID;

    private static final String UNREADABLE_OWNER = "an instance whose device tree could not be read";

    private final HostView host;
    private final boolean v2;
    private final List<PlanProblem> problems = new ArrayList<>();

    private HostPlanner(HostView host) {
        this.host = host;
        this.v2 = host.generation() == InterfaceGeneration.RFC_V2;
    }

    /** Plans {@code requests} on {@code host}; every instance on the host that is not requested stays as it is. */
    public static HostPlan plan(HostView host, List<InstanceRequest> requests) {
        return plan(host, requests, Set.of());
    }

    /**
     * @param released names of host instances this run removes: their CPUs, memory, ids and devices count as free
     */
    public static HostPlan plan(HostView host, List<InstanceRequest> requests, Set<String> released) {
        return new HostPlanner(host).run(requests, released);
    }

    /** Per-request working state. */
    private static final class Work {
        final InstanceRequest r;
        final Optional<HostInstance> onHost;
        CpuList cpus = CpuList.EMPTY;
        OptionalInt id = OptionalInt.empty();

        Work(InstanceRequest r, Optional<HostInstance> onHost) {
            this.r = r;
            this.onHost = onHost;
        }
    }

    private HostPlan run(List<InstanceRequest> requests, Set<String> released) {
        if (host.unusable().isPresent()) {
            String path = requests.stream()
                    .map(r -> r.paths().name())
                    .sorted()
                    .findFirst()
                    .orElse("host");
            problems.add(PlanProblem.error(
                    path,
                    "Host " + host.hostName() + " cannot take instances",
                    host.unusable().get() + "."));
            return new HostPlan(List.of(), problems);
        }
        List<Work> works = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<InstanceRequest> sorted = requests.stream()
                .sorted(Comparator.comparing(InstanceRequest::name)
                        .thenComparing(r -> r.paths().name()))
                .toList();
        for (InstanceRequest r : sorted) {
            if (!names.add(r.name())) {
                problems.add(PlanProblem.error(
                        r.paths().name(),
                        "Instance name \"" + r.name() + "\" is used twice on host " + host.hostName(),
                        "Instance names are unique per host; rename one of them."));
                continue;
            }
            InstanceNameRule.problem(r.name())
                    .ifPresent(p -> problems.add(PlanProblem.error(r.paths().name(), "Invalid instance name", p)));
            works.add(new Work(r, host.instance(r.name())));
        }
        List<HostInstance> foreign = host.instances().stream()
                .filter(i -> !names.contains(i.name()) && !released.contains(i.name()))
                .toList();
        planCpus(works, foreign);
        planIds(works, foreign);
        List<Optional<ByteSize>> memory = planMemory(works, foreign);
        List<List<PciAddress>> devices = planDevices(works, foreign);
        List<PlannedInstance> out = new ArrayList<>();
        for (int k = 0; k < works.size(); k++) {
            Work w = works.get(k);
            List<Long> physical = new ArrayList<>();
            for (int c : w.cpus) {
                OptionalLong p = v2 ? OptionalLong.of(c) : host.topology().physicalOf(c);
                p.ifPresent(physical::add);
            }
            if (physical.size() != w.cpus.size()) {
                physical.clear();
            }
            Optional<ChangeDecision> change = Optional.empty();
            if (w.r.prior().isPresent()) {
                InstanceSpec desired = new InstanceSpec(
                        w.r.name(), w.id, w.cpus, w.r.memory(), w.r.numaNode(), w.r.devices(), w.r.boot());
                ChangeDecision d = ChangeClassifier.classify(
                        host.generation(),
                        w.onHost.map(HostInstance::status),
                        w.r.prior().get(),
                        desired);
                change = Optional.of(d);
                if (!d.possible()) {
                    problems.add(PlanProblem.error(
                            changePath(w.r, w.r.prior().get(), desired),
                            "Instance \"" + w.r.name() + "\" cannot be changed on host " + host.hostName(),
                            d.summary()));
                }
            }
            out.add(new PlannedInstance(
                    w.r.name(), w.id, w.cpus, physical, memory.get(k), w.r.numaNode(), devices.get(k), change));
        }
        return new HostPlan(out, problems);
    }

    private static String changePath(InstanceRequest r, InstanceSpec prior, InstanceSpec desired) {
        if (!prior.boot().equals(desired.boot())) {
            return r.paths().boot();
        }
        if (!prior.cpus().equals(desired.cpus())) {
            return r.cpus() instanceof CpuRequest.Count
                    ? r.paths().cpuCount()
                    : r.paths().cpus();
        }
        if (!prior.memory().equals(desired.memory())) {
            return r.paths().memory();
        }
        if (!prior.numaNode().equals(desired.numaNode())) {
            return r.paths().numaNode();
        }
        return r.paths().devices();
    }

    // ---------------------------------------------------------------- CPUs

    private void planCpus(List<Work> works, List<HostInstance> foreign) {
        Map<Integer, String> foreignOwner = new TreeMap<>();
        host.unaccountedCpus().forEach(c -> foreignOwner.put(c, UNREADABLE_OWNER));
        foreign.forEach(i -> i.cpus().forEach(c -> foreignOwner.put(c, "instance \"" + i.name() + "\"")));
        CpuList foreignHeld = CpuList.of(foreignOwner.keySet());
        CpuList pool = host.poolCpus();

        // Pass 1: the CPUs each request holds on to (explicit, or kept from state / the host).
        Map<Work, CpuList> fixed = new LinkedHashMap<>();
        for (Work w : works) {
            if (w.r.cpus() instanceof CpuRequest.Explicit e) {
                if (e.cpus().isEmpty()) {
                    problems.add(PlanProblem.error(
                            w.r.paths().cpus(),
                            "No CPUs",
                            "An instance boots on its first CPU, so it needs at least one; list some, such as \"4-5\","
                                    + " or set cpu_count."));
                }
                fixed.put(w, e.cpus());
            } else {
                CpuRequest.Count n = (CpuRequest.Count) w.r.cpus();
                if (n.count() < 1) {
                    problems.add(PlanProblem.error(
                            w.r.paths().cpuCount(),
                            "cpu_count must be at least 1",
                            "An instance boots on its first CPU, so it needs at least one; got " + n.count() + "."));
                    fixed.put(w, CpuList.EMPTY);
                    continue;
                }
                CpuList previous = w.r.prior()
                        .map(InstanceSpec::cpus)
                        .filter(c -> !c.isEmpty())
                        .orElse(w.onHost.map(HostInstance::cpus).orElse(CpuList.EMPTY));
                CpuList usable = previous.intersection(pool).minus(foreignHeld);
                if (!usable.equals(previous)) {
                    problems.add(PlanProblem.warning(
                            w.r.paths().cpuCount(),
                            "CPUs " + previous.minus(usable).format() + " allocated earlier are no longer available",
                            "They left the pool of host " + host.hostName() + " or were given to another instance;"
                                    + " the planner picks replacements with strategy \""
                                    + n.strategy().name() + "\"."));
                }
                fixed.put(w, lowest(usable, n.count()));
            }
        }
        // Pass 2: claims in name order; the first asker keeps a CPU, later ones get an error.
        Map<Integer, Work> claimant = new TreeMap<>();
        Map<Work, CpuList> claimedOk = new LinkedHashMap<>();
        Map<Work, Map<Work, List<Integer>>> doubles = new LinkedHashMap<>();
        // Explicit lists claim before counts: a count can be given other CPUs, a list cannot.
        List<Work> claimOrder = new ArrayList<>();
        works.stream().filter(w -> w.r.cpus() instanceof CpuRequest.Explicit).forEach(claimOrder::add);
        works.stream().filter(w -> w.r.cpus() instanceof CpuRequest.Count).forEach(claimOrder::add);
        for (Work w : claimOrder) {
            List<Integer> ok = new ArrayList<>();
            List<Integer> lost = new ArrayList<>();
            for (int c : fixed.get(w)) {
                if (!host.topology().exists(c) || !pool.contains(c) || foreignOwner.containsKey(c)) {
                    continue;
                }
                Work first = claimant.putIfAbsent(c, w);
                if (first == null) {
                    ok.add(c);
                } else if (w.r.cpus() instanceof CpuRequest.Count) {
                    lost.add(c);
                } else {
                    doubles.computeIfAbsent(w, x -> new LinkedHashMap<>())
                            .computeIfAbsent(first, x -> new ArrayList<>())
                            .add(c);
                }
            }
            if (!lost.isEmpty()) {
                CpuList l = CpuList.of(lost);
                problems.add(PlanProblem.warning(
                        w.r.paths().cpuCount(),
                        cpus(l) + " allocated earlier " + (l.size() == 1 ? "goes" : "go") + " to another instance",
                        "Another instance lists " + (l.size() == 1 ? "it" : "them") + " explicitly; the planner picks"
                                + " replacements with strategy \""
                                + ((CpuRequest.Count) w.r.cpus()).strategy().name()
                                + "\"."));
            }
            claimedOk.put(w, CpuList.of(ok));
        }
        CpuList claimed = CpuList.of(claimant.keySet());
        CpuList freeShown = pool.minus(foreignHeld).minus(claimed);
        // Pass 3: report what was wrong with the explicit lists.
        for (Work w : works) {
            if (!(w.r.cpus() instanceof CpuRequest.Explicit)) {
                continue;
            }
            String path = w.r.paths().cpus();
            CpuList asked = fixed.get(w);
            CpuList missing = asked.minus(host.topology().all());
            if (!missing.isEmpty()) {
                problems.add(PlanProblem.error(
                        path,
                        cpus(missing) + " " + doNotExist(missing) + " on host " + host.hostName(),
                        "Host " + host.hostName() + " has CPUs "
                                + host.topology().all().format()
                                + " (logical numbers, as lscpu shows them); free CPUs are " + show(freeShown) + "."));
            }
            CpuList outside = asked.minus(missing).minus(pool);
            if (!outside.isEmpty()) {
                problems.add(PlanProblem.error(
                        path,
                        cpus(outside) + " " + isAre(outside) + " not in the pool of host " + host.hostName(),
                        "Pool CPUs are " + show(pool) + "; free CPUs are " + show(freeShown)
                                + ". Add the CPUs to the multikernel_pool, or pick free ones." + unnamedHint()));
            }
            if (v2 && asked.contains(0)) {
                problems.add(PlanProblem.error(
                        path,
                        "CPU 0 cannot be given to an instance",
                        "CPU 0 is the host's boot CPU and cannot be taken offline; the RFC v2 kernel would create"
                                + " the instance without CPUs. Pick other CPUs; free CPUs are " + show(freeShown)
                                + "."));
            }
            if (!v2) {
                CpuList noId = asked.intersection(pool).minus(host.topology().withPhysicalId());
                if (!noId.isEmpty()) {
                    problems.add(PlanProblem.error(
                            path,
                            "The APIC " + (noId.size() == 1 ? "id of " : "ids of ") + cpus(noId)
                                    + (noId.size() == 1 ? " is" : " are") + " not known",
                            "The kernel names CPUs by APIC id, and host " + host.hostName()
                                    + " has not reported one for"
                                    + " these CPUs (they were offline whenever it was read). Pick other CPUs, or bring"
                                    + " them online once so their ids are recorded."));
                }
            }
            Map<String, List<Integer>> byOwner = new TreeMap<>();
            for (int c : asked) {
                if (foreignOwner.containsKey(c)) {
                    byOwner.computeIfAbsent(foreignOwner.get(c), x -> new ArrayList<>())
                            .add(c);
                }
            }
            byOwner.forEach((owner, list) -> problems.add(PlanProblem.error(
                    path,
                    cpus(CpuList.of(list)) + " " + isAre(CpuList.of(list)) + " already given to " + owner,
                    describe(CpuList.of(list)) + " " + isAre(CpuList.of(list)) + " held by " + owner
                            + (owner.equals(UNREADABLE_OWNER)
                                    ? " (the pool lists " + (list.size() == 1 ? "it" : "them") + " as taken)"
                                    // true whether or not the configuration has it: only what is planned
                                    // together is known here
                                    : ", which is on the host and not planned together with this instance")
                            + "; free CPUs on host " + host.hostName() + " are " + show(freeShown) + ".")));
        }
        for (Map.Entry<Work, Map<Work, List<Integer>>> e : doubles.entrySet()) {
            Work w = e.getKey();
            e.getValue()
                    .forEach((first, list) -> problems.add(PlanProblem.error(
                            cpuPath(w),
                            cpus(CpuList.of(list)) + " " + isAre(CpuList.of(list)) + " also requested by instance \""
                                    + first.r.name() + "\"",
                            "A CPU can be given to one instance only; " + cpuPath(first)
                                    + " asks for it too. Free CPUs on host " + host.hostName() + " are "
                                    + show(freeShown) + ".")));
        }
        // Moving onto CPUs another managed instance gives up in this same run: fine for the end
        // state, but the kernel refuses it until that instance has been updated.
        for (Work w : works) {
            for (Work other : works) {
                if (other == w || other.onHost.isEmpty()) {
                    continue;
                }
                CpuList taking =
                        claimedOk.get(w).intersection(other.onHost.get().cpus()).minus(fixed.get(other));
                if (!taking.isEmpty()
                        && w.onHost.map(h -> !h.cpus().containsAll(taking)).orElse(true)) {
                    problems.add(PlanProblem.warning(
                            cpuPath(w),
                            cpus(taking) + " " + isAre(taking) + " still held by instance \"" + other.r.name() + "\"",
                            "This plan moves instance \"" + other.r.name() + "\" off them, and the kernel refuses to"
                                    + " give them to \"" + w.r.name() + "\" before that; add depends_on = ["
                                    + resourceOf(other) + "] to " + resourceOf(w) + " so the order is right."));
                }
            }
        }
        // Pass 4: counts get what they lack from what is left, in name order.
        CpuList allocatable = allocatable(pool.minus(foreignHeld).minus(claimed));
        CpuList beforeCounts = allocatable;
        Set<Work> refused = new HashSet<>();
        for (Work w : works) {
            CpuList have = claimedOk.get(w);
            if (w.r.cpus() instanceof CpuRequest.Count n && n.count() > have.size()) {
                int need = n.count() - have.size();
                CpuAllocationStrategy.Choice c =
                        n.strategy().choose(need, allocatable, host.topology(), nodeOf(w, have));
                if (c instanceof CpuAllocationStrategy.Choice.Chosen chosen) {
                    have = have.union(chosen.cpus());
                    allocatable = allocatable.minus(chosen.cpus());
                } else {
                    String reason = ((CpuAllocationStrategy.Choice.Refused) c).reason();
                    problems.add(
                            PlanProblem.error(
                                    w.r.paths().cpuCount(),
                                    "Cannot allocate " + need + " more CPU"
                                            + (need == 1 ? "" : "s") + " on host " + host.hostName()
                                            + " with strategy \""
                                            + n.strategy().name() + "\"",
                                    "It " + reason + "; free CPUs are " + show(allocatable)
                                            + ". Lower cpu_count, pick another strategy, or add CPUs to the multikernel_pool."));
                    refused.add(w);
                }
            }
            w.cpus = have;
        }
        checkCountReach(works.stream().filter(w -> !refused.contains(w)).toList(), claimedOk, beforeCounts);
    }

    /** Of {@code cpus}, those an instance can be given: known APIC id (current tree), not CPU 0 (RFC v2). */
    private CpuList allocatable(CpuList cpus) {
        return v2
                ? cpus.minus(CpuList.of(0))
                : cpus.intersection(host.topology().withPhysicalId());
    }

    /**
     * A count is placed when its instance is created, and Terraform creates the instances of a run
     * in no fixed order: a count created before a sibling that lists CPUs explicitly does not know
     * that sibling's list. So every CPU a count could reach in any order ({@link
     * CpuAllocationStrategy#reach}) must be one no explicit list of the run newly asks for; the
     * placement then cannot depend on the order, and the plan says so when it would.
     */
    private void checkCountReach(List<Work> works, Map<Work, CpuList> claimedOk, CpuList allocatable) {
        Map<Work, Integer> needs = new LinkedHashMap<>();
        for (Work w : works) {
            if (w.r.cpus() instanceof CpuRequest.Count n
                    && n.count() > claimedOk.get(w).size()) {
                needs.put(w, n.count() - claimedOk.get(w).size());
            }
        }
        if (needs.isEmpty()) {
            return;
        }
        // CPUs explicit lists ask for that their instance does not hold yet are free when a count is placed early
        Map<Work, CpuList> newClaims = new LinkedHashMap<>();
        CpuList unheld = CpuList.EMPTY;
        for (Work w : works) {
            if (w.r.cpus() instanceof CpuRequest.Explicit) {
                CpuList fresh =
                        claimedOk.get(w).minus(w.onHost.map(HostInstance::cpus).orElse(CpuList.EMPTY));
                if (!fresh.isEmpty()) {
                    newClaims.put(w, fresh);
                    unheld = unheld.union(fresh);
                }
            }
        }
        if (newClaims.isEmpty()) {
            return;
        }
        CpuList free = allocatable.union(allocatable(unheld));
        int total = needs.values().stream().mapToInt(Integer::intValue).sum();
        Map<Work, CpuList> reach = new LinkedHashMap<>();
        needs.forEach((w, need) -> reach.put(
                w,
                ((CpuRequest.Count) w.r.cpus())
                        .strategy()
                        .reach(need, total - need, free, host.topology(), nodeOf(w, claimedOk.get(w)))));
        for (Map.Entry<Work, CpuList> claim : newClaims.entrySet()) {
            Work w = claim.getKey();
            List<String> counts = new ArrayList<>();
            CpuList hit = CpuList.EMPTY;
            CpuList range = CpuList.EMPTY;
            for (Map.Entry<Work, CpuList> r : reach.entrySet()) {
                CpuList h = claim.getValue().intersection(r.getValue());
                if (!h.isEmpty()) {
                    counts.add("\"" + r.getKey().r.name() + "\"");
                    hit = hit.union(h);
                    range = range.union(r.getValue());
                }
            }
            if (counts.isEmpty()) {
                continue;
            }
            boolean one = counts.size() == 1;
            String who = (one ? "instance " : "instances ") + String.join(", ", counts);
            problems.add(PlanProblem.error(
                    w.r.paths().cpus(),
                    cpus(hit) + " may be given to " + who,
                    "Instance" + (one ? " " : "s ") + String.join(", ", counts) + " " + (one ? "sets" : "set")
                            + " cpu_count, so " + (one ? "its" : "their") + " CPUs are picked when "
                            + (one ? "it is" : "they are") + " created, from the highest free CPUs of host "
                            + host.hostName() + ": with the " + total + " CPU" + (total == 1 ? "" : "s")
                            + " the instances with cpu_count planned together need, that can be any of "
                            + range.format() + ". Terraform may create " + (one ? "it" : "them") + " before \""
                            + w.r.name() + "\", so ask for CPUs outside " + range.format() + " in cpus of \""
                            + w.r.name() + "\", or set cpus on " + who + " as well."));
        }
    }

    /** The node a count is placed on: the one its memory asks for, else the one of the CPUs it keeps. */
    private OptionalInt nodeOf(Work w, CpuList kept) {
        OptionalInt node = w.r.numaNode();
        if (node.isEmpty()
                && ((CpuRequest.Count) w.r.cpus()).strategy() instanceof SameNumaNodeCpuAllocation
                && !kept.isEmpty()) {
            node = OptionalInt.of(host.topology().nodeOf(kept.first().getAsInt()));
        }
        return node;
    }

    private String unnamedHint() {
        if (host.unnamedPoolCpus().isEmpty()) {
            return "";
        }
        StringJoiner j = new StringJoiner(", ");
        host.unnamedPoolCpus().forEach(p -> j.add(Long.toString(p)));
        return " The pool also has CPUs with APIC ids " + j + " whose logical numbers host " + host.hostName()
                + " has not reported; they cannot be named until it has.";
    }

    private static String resourceOf(Work w) {
        String p = w.r.paths().name();
        int dot = p.lastIndexOf('.');
        return dot > 0 ? p.substring(0, dot) : p;
    }

    private static String cpuPath(Work w) {
        return w.r.cpus() instanceof CpuRequest.Count
                ? w.r.paths().cpuCount()
                : w.r.paths().cpus();
    }

    private static CpuList lowest(CpuList cpus, int count) {
        List<Integer> out = new ArrayList<>();
        for (int c : cpus) {
            if (out.size() == count) {
                break;
            }
            out.add(c);
        }
        return CpuList.of(out);
    }

    private static String cpus(CpuList l) {
        return (l.size() == 1 ? "CPU " : "CPUs ") + l.format();
    }

    private String describe(CpuList l) {
        if (v2) {
            return cpus(l);
        }
        StringJoiner j = new StringJoiner(", ");
        l.forEach(c -> j.add(host.topology().describe(c)));
        return j.toString();
    }

    private static String isAre(CpuList l) {
        return l.size() == 1 ? "is" : "are";
    }

    private static String doNotExist(CpuList l) {
        return l.size() == 1 ? "does not exist" : "do not exist";
    }

    private static String show(CpuList l) {
        return l.isEmpty() ? "none" : l.format();
    }

    // ---------------------------------------------------------------- ids

    private void planIds(List<Work> works, List<HostInstance> foreign) {
        Map<Integer, String> used = new TreeMap<>();
        foreign.forEach(i -> i.id().ifPresent(id -> used.put(id, "instance \"" + i.name() + "\"")));
        Map<Integer, String> taken = new TreeMap<>(used);
        // Every id already decided (written, kept from state, or on the host), so that "the lowest
        // free id" in a message is free of all of them, not only of those checked before it.
        java.util.Set<Integer> decided = new java.util.TreeSet<>(used.keySet());
        for (Work w : works) {
            knownId(w).ifPresent(decided::add);
        }
        for (Work w : works) {
            OptionalInt id = knownId(w);
            if (id.isEmpty()) {
                continue;
            }
            int v = id.getAsInt();
            String path = w.r.paths().id();
            if (v < MIN_ID || v > MAX_ID) {
                problems.add(PlanProblem.error(
                        path,
                        "Instance id " + v + " is out of range",
                        (v == 0 ? "Id 0 is the host itself. " : "") + "Instance ids go from " + MIN_ID + " to " + MAX_ID
                                + " (the kexec flags carry the id in 11 bits); leave instance_id out to get the lowest"
                                + " free one (" + lowestFree(decided) + ")."));
                w.id = id;
                continue;
            }
            String holder = taken.get(v);
            if (holder != null) {
                problems.add(PlanProblem.error(
                        path,
                        "Instance id " + v + " is already used by " + holder,
                        "Ids are unique per host; the lowest free id on host " + host.hostName() + " is "
                                + lowestFree(decided) + ": set instance_id to it, or leave instance_id out to get"
                                + " one."));
            } else {
                taken.put(v, "instance \"" + w.r.name() + "\" of this configuration");
            }
            w.id = id;
        }
        checkIdReach(works, used);
        for (Work w : works) {
            if (w.id.isEmpty()) {
                int v = lowestFree(taken);
                if (v > MAX_ID) {
                    problems.add(PlanProblem.error(
                            w.r.paths().id(),
                            "No free instance id on host " + host.hostName(),
                            "All ids from " + MIN_ID + " to " + MAX_ID + " are in use."));
                    continue;
                }
                taken.put(v, "instance \"" + w.r.name() + "\"");
                w.id = OptionalInt.of(v);
            }
            if (v2 && w.id.isPresent() && w.id.getAsInt() != 1) {
                problems.add(
                        PlanProblem.warning(
                                w.r.paths().id(),
                                "RFC v2 kernels may refuse to load id " + w.id.getAsInt(),
                                "The RFC v2 kexec_file_load flag check lets only the id bits of id 1 through (the id mask is"
                                        + " missing from KEXEC_FILE_FLAGS); newer kernels fix this. Use id = 1 on RFC v2 hosts."));
            }
        }
    }

    /**
     * Ids are given when an instance is created, lowest free first, in no fixed order across the
     * instances of a run (see {@link #checkCountReach} for CPUs): an id written in the
     * configuration must not be one an instance without instance_id could be given first.
     */
    private void checkIdReach(List<Work> works, Map<Integer, String> used) {
        List<String> autos = new ArrayList<>();
        java.util.Set<Integer> kept = new java.util.TreeSet<>(used.keySet());
        List<Work> fresh = new ArrayList<>();
        for (Work w : works) {
            OptionalInt onHost = w.onHost.map(HostInstance::id).orElse(OptionalInt.empty());
            if (w.id.isEmpty()) {
                autos.add("\"" + w.r.name() + "\"");
            } else if (w.r.id().isPresent() && !w.r.id().equals(onHost)) {
                fresh.add(w);
            } else {
                kept.add(w.id.getAsInt());
            }
        }
        if (autos.isEmpty() || fresh.isEmpty()) {
            return;
        }
        List<Integer> reach = new ArrayList<>();
        for (int v = MIN_ID; v <= MAX_ID && reach.size() < autos.size(); v++) {
            if (!kept.contains(v)) {
                reach.add(v);
            }
        }
        CpuList range = CpuList.of(reach);
        boolean one = autos.size() == 1;
        String who = (one ? "instance " : "instances ") + String.join(", ", autos);
        for (Work w : fresh) {
            int v = w.id.getAsInt();
            if (!range.contains(v)) {
                continue;
            }
            problems.add(PlanProblem.error(
                    w.r.paths().id(),
                    "Instance id " + v + " may be given to " + who,
                    (one ? "Instance " : "Instances ") + String.join(", ", autos) + (one ? " has" : " have")
                            + " no instance_id, so " + (one ? "it gets" : "they get")
                            + " the lowest free id when created: with the " + autos.size() + " instance"
                            + (one ? "" : "s") + " without instance_id planned together, that can be any of "
                            + range.format() + " on host " + host.hostName() + ". Terraform may create "
                            + (one ? "it" : "them") + " before \"" + w.r.name() + "\", so set instance_id of \""
                            + w.r.name() + "\" outside " + range.format() + ", or set instance_id on " + who
                            + " as well."));
        }
    }

    private static int lowestFree(Map<Integer, String> taken) {
        return lowestFree(taken.keySet());
    }

    private static int lowestFree(java.util.Set<Integer> taken) {
        int v = MIN_ID;
        while (taken.contains(v)) {
            v++;
        }
        return v;
    }

    /** The id a request has: written, else kept from its state, else the one its instance has on the host. */
    private static OptionalInt knownId(Work w) {
        OptionalInt id = w.r.id();
        if (id.isEmpty()) {
            id = w.r.prior()
                    .flatMap(p -> p.id().isPresent() ? Optional.of(p.id()) : Optional.empty())
                    .orElse(w.onHost.map(HostInstance::id).orElse(OptionalInt.empty()));
        }
        return id;
    }

    // ---------------------------------------------------------------- memory

    private List<Optional<ByteSize>> planMemory(List<Work> works, List<HostInstance> foreign) {
        FreeMemory free = new FreeMemory(host.poolMemory());
        foreign.forEach(i -> i.memory().forEach(free::reserve));
        for (Work w : works) {
            w.onHost.ifPresent(h -> h.memory().forEach(free::reserve));
        }
        Set<Integer> poolNodes = new TreeSet<>();
        host.poolMemory().forEach(c -> poolNodes.add(c.numaNode().orElse(CpuTopology.UNKNOWN_NODE)));
        // Validate, and give back what shrinking, moving or dropping instances release.
        List<Long> need = new ArrayList<>();
        for (Work w : works) {
            long want = 0;
            Optional<ByteSize> m = w.r.memory();
            List<MemoryChunk> had = w.onHost.map(HostInstance::memory).orElse(List.of());
            long have = had.stream().mapToLong(MemoryChunk::size).sum();
            boolean valid = validMemory(w, poolNodes);
            if (m.isPresent() && valid) {
                want = m.get().bytes();
            }
            boolean sameNode = w.r.numaNode().isEmpty()
                    || had.stream().allMatch(c -> c.numaNode().equals(w.r.numaNode()));
            if (v2 && want != have || !sameNode) {
                had.forEach(free::release); // replaced (v2) or moved: all of it comes back
                need.add(want);
            } else if (want < have) {
                releaseTail(free, had, have - want);
                need.add(0L);
            } else {
                need.add(want - have);
            }
        }
        List<Optional<ByteSize>> out = new ArrayList<>();
        for (int k = 0; k < works.size(); k++) {
            Work w = works.get(k);
            out.add(w.r.memory());
            long n = need.get(k);
            if (n == 0) {
                continue;
            }
            if (free.take(n, w.r.numaNode(), !v2).isEmpty()) {
                problems.add(PlanProblem.error(w.r.paths().memory(), memoryShortfall(w, n), memoryDetail(free, w)));
            }
        }
        return out;
    }

    private boolean validMemory(Work w, Set<Integer> poolNodes) {
        if (w.r.numaNode().isPresent() && v2) {
            problems.add(PlanProblem.error(
                    w.r.paths().numaNode(),
                    "RFC v2 cannot place memory on a NUMA node",
                    "The RFC v2 interface has no NUMA property; remove numa_node for host " + host.hostName() + "."));
            return false;
        }
        if (w.r.numaNode().isPresent() && !poolNodes.contains(w.r.numaNode().getAsInt())) {
            problems.add(PlanProblem.error(
                    w.r.paths().numaNode(),
                    "NUMA node " + w.r.numaNode().getAsInt() + " has no pool memory on host " + host.hostName(),
                    "The pool has memory on "
                            + (poolNodes.isEmpty()
                                    ? "no node"
                                    : "node" + (poolNodes.size() == 1 ? " " : "s ") + joinNodes(poolNodes))
                            + "; pick one of those or add memory on node "
                            + w.r.numaNode().getAsInt()
                            + " to the multikernel_pool."));
            return false;
        }
        if (w.r.memory().isEmpty()) {
            return false;
        }
        ByteSize m = w.r.memory().get();
        if (m.bytes() == 0) {
            problems.add(PlanProblem.error(
                    w.r.paths().memory(),
                    "memory must be more than 0",
                    "The kernel refuses a zero memory-bytes; leave memory out for an instance without memory."));
            return false;
        }
        if (!m.isPageAligned()) {
            problems.add(PlanProblem.error(
                    w.r.paths().memory(),
                    m.format() + " is not a whole number of 4KiB pages",
                    "The kernel takes memory in pages; use "
                            + m.alignDown(ByteSize.PAGE).format() + " or "
                            + m.alignUp(ByteSize.PAGE).format() + "."));
            return false;
        }
        if (v2 && m.bytes() > Multikernel.V2_MAX_MEMORY_BYTES) {
            problems.add(PlanProblem.error(
                    w.r.paths().memory(),
                    m.format() + " is too large for an RFC v2 host",
                    "The RFC v2 memory-bytes property is one u32, so an instance gets at most "
                            + ByteSize.ofBytes(Multikernel.V2_MAX_MEMORY_BYTES).format() + " (4GiB minus one page)."
                            + " Use 4194300KiB or less on host " + host.hostName() + "."));
            return false;
        }
        if (v2 && host.poolMemory().isEmpty()) {
            problems.add(PlanProblem.error(
                    w.r.paths().memory(),
                    "Host " + host.hostName() + " has no memory pool",
                    "RFC v2 kernels reserve the pool at boot: add mkkernel_pool=SIZE (such as mkkernel_pool=4G) to the"
                            + " host's kernel command line and reboot it, or leave memory out."));
            return false;
        }
        return true;
    }

    private static void releaseTail(FreeMemory free, List<MemoryChunk> had, long bytes) {
        List<MemoryChunk> desc = had.stream()
                .sorted(Comparator.comparingLong(MemoryChunk::base).reversed())
                .toList();
        long left = bytes;
        for (MemoryChunk c : desc) {
            if (left == 0) {
                break;
            }
            long part = Math.min(left, c.size());
            free.release(new MemoryChunk(c.end() - part, part, c.numaNode()));
            left -= part;
        }
    }

    private String memoryShortfall(Work w, long n) {
        ByteSize total = w.r.memory().orElse(ByteSize.ZERO);
        String what = n == total.bytes()
                ? total.format()
                : ByteSize.ofBytes(n).format() + " more (to grow to " + total.format() + ")";
        return what + " does not fit in the pool of host " + host.hostName()
                + (w.r.numaNode().isPresent()
                        ? " on NUMA node " + w.r.numaNode().getAsInt()
                        : "");
    }

    private String memoryDetail(FreeMemory free, Work w) {
        StringBuilder b = new StringBuilder("The pool has ");
        if (w.r.numaNode().isPresent()) {
            int node = w.r.numaNode().getAsInt();
            b.append(ByteSize.ofBytes(free.freeByNode().getOrDefault(node, 0L)).format())
                    .append(" free on node ")
                    .append(node);
        } else {
            Map<Integer, Long> byNode = free.freeByNode();
            if (byNode.isEmpty() || byNode.keySet().equals(Set.of(CpuTopology.UNKNOWN_NODE))) {
                b.append(ByteSize.ofBytes(free.total()).format()).append(" free");
            } else {
                StringJoiner j = new StringJoiner(", ");
                byNode.forEach((node, bytes) -> j.add(ByteSize.ofBytes(bytes).format()
                        + (node == CpuTopology.UNKNOWN_NODE ? " on no known node" : " on node " + node)));
                b.append(j).append(" free");
            }
        }
        if (!v2) {
            b.append(" (largest free chunk ")
                    .append(ByteSize.ofBytes(free.largest(w.r.numaNode())).format())
                    .append("); an instance's memory is one contiguous range. Lower memory, free memory held by other"
                            + " instances, or add memory to the multikernel_pool.");
        } else {
            b.append(". The RFC v2 pool is fixed at boot (mkkernel_pool=): lower memory, or reboot the host with a"
                    + " larger pool.");
        }
        return b.toString();
    }

    private static String joinNodes(Set<Integer> nodes) {
        StringJoiner j = new StringJoiner(", ");
        nodes.forEach(n -> j.add(n == CpuTopology.UNKNOWN_NODE ? "unknown" : Integer.toString(n)));
        return j.toString();
    }

    // ---------------------------------------------------------------- devices

    private List<List<PciAddress>> planDevices(List<Work> works, List<HostInstance> foreign) {
        Map<PciAddress, String> foreignOwner = new TreeMap<>(Comparator.comparing(PciAddress::toString));
        foreign.forEach(i -> i.devices().forEach(d -> foreignOwner.put(d, i.name())));
        List<PciAddress> all = host.allDevices();
        Map<PciAddress, Work> claimant = new TreeMap<>(Comparator.comparing(PciAddress::toString));
        List<List<PciAddress>> out = new ArrayList<>();
        for (Work w : works) {
            out.add(w.r.devices());
            if (w.r.devices().isEmpty()) {
                continue;
            }
            String path = w.r.paths().devices();
            if (v2) {
                problems.add(PlanProblem.error(
                        path,
                        "RFC v2 cannot lend devices to instances",
                        "The RFC v2 interface has no device assignment; remove devices for host " + host.hostName()
                                + "."));
                continue;
            }
            Set<PciAddress> seen = new HashSet<>();
            for (PciAddress d : w.r.devices()) {
                if (!seen.add(d)) {
                    problems.add(
                            PlanProblem.error(path, "PCI device " + d + " is listed twice", "List each device once."));
                    continue;
                }
                if (!all.contains(d)) {
                    problems.add(PlanProblem.error(
                            path,
                            "PCI device " + d + " is not in the pool of host " + host.hostName(),
                            "Pool devices are " + (all.isEmpty() ? "none" : all.toString())
                                    + "; add the device to the multikernel_pool first."));
                } else if (foreignOwner.containsKey(d)) {
                    problems.add(PlanProblem.error(
                            path,
                            "PCI device " + d + " is already lent to instance \"" + foreignOwner.get(d) + "\"",
                            "A device belongs to one instance at a time; free devices" + " on host " + host.hostName()
                                    + " are " + freeDevices(all, foreignOwner, claimant) + "."));
                } else {
                    Work first = claimant.putIfAbsent(d, w);
                    if (first != null) {
                        problems.add(PlanProblem.error(
                                path,
                                "PCI device " + d + " is also requested by instance \"" + first.r.name() + "\"",
                                "A device belongs to one instance at a time; "
                                        + first.r.paths().devices() + " asks for it too."));
                    }
                }
            }
        }
        return out;
    }

    private static String freeDevices(
            List<PciAddress> all, Map<PciAddress, String> foreign, Map<PciAddress, Work> claimed) {
        List<String> free = all.stream()
                .filter(d -> !foreign.containsKey(d) && !claimed.containsKey(d))
                .map(PciAddress::toString)
                .toList();
        return free.isEmpty() ? "none" : String.join(", ", free);
    }
}
