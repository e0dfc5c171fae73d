package dev.multikernel.host.mkctl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.DeviceTreeBlob;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.IomemRange;
import dev.multikernel.host.state.KernelImage;
import dev.multikernel.host.state.PoolState;
import dev.multikernel.host.state.TransactionState;
import dev.multikernel.host.state.TransactionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Maps mkctl's success objects (docs/mkctl.md) to {@link MkctlResult}s. */
final class Answers {

    private Answers() {}

    static MkctlResult parse(String operation, JsonNode o, String where) throws AnswerException {
        String reported = Json.text(o, "operation", where);
        if (!reported.equals(operation)) {
            throw new AnswerException(where + ".operation is '" + reported + "', expected '" + operation + "'");
        }
        switch (operation) {
            case "version":
                return new MkctlResult.Version(
                        Json.text(o, "version", where),
                        Json.integer(o, "contract", where),
                        Json.text(o, "mode", where),
                        Json.text(o, "arch", where));
            case "state":
                return new MkctlResult.StateRead(state(o, where));
            case "mount":
                return new MkctlResult.Mounted(
                        Json.bool(o, "mounted", where),
                        Json.bool(o, "already_mounted", where),
                        generation(Json.text(o, "interface", where), where));
            case "baseline": {
                JsonNode pool = Json.field(o, "pool", where);
                Optional<PoolState> p = pool.isNull() ? Optional.empty() : Optional.of(pool(pool, where + ".pool"));
                return new MkctlResult.BaselineApplied(
                        Json.integer(o, "bytes", where), p, Json.strings(o, "warnings", where));
            }
            case "overlay-apply": {
                JsonNode tx = Json.field(o, "transaction", where);
                String w = where + ".transaction";
                String status = Json.text(tx, "status", w);
                return new MkctlResult.OverlayApplied(
                        Json.integer(o, "bytes", where),
                        new MkctlResult.Transaction(
                                Json.integer(tx, "id", w),
                                TransactionStatus.parse(status),
                                status,
                                Json.text(tx, "instance", w),
                                Json.text(tx, "resources", w)),
                        Json.strings(o, "warnings", where));
            }
            case "overlay-remove":
                requireTrue(o, "removed", where);
                return new MkctlResult.OverlayRemoved(Json.integer(o, "id", where));
            case "v2-create": {
                List<MkctlResult.V2Instance> list = new ArrayList<>();
                int i = 0;
                for (JsonNode n : Json.array(o, "instances", where)) {
                    String w = where + ".instances[" + i++ + "]";
                    String status = Json.text(n, "status", w);
                    list.add(new MkctlResult.V2Instance(
                            Json.text(n, "name", w), Json.optInt(n, "id", w), InstanceStatus.parse(status), status));
                }
                return new MkctlResult.V2Created(Json.integer(o, "bytes", where), list);
            }
            case "v2-remove":
                requireTrue(o, "removed", where);
                return new MkctlResult.V2Removed(Json.text(o, "name", where));
            case "load":
                return new MkctlResult.Loaded(
                        Json.integer(o, "id", where), Json.text(o, "flags", where), status(o, where));
            case "unload":
                return new MkctlResult.Unloaded(
                        Json.integer(o, "id", where), Json.text(o, "flags", where), status(o, where));
            case "exec":
                return new MkctlResult.Started(Json.integer(o, "id", where), status(o, where));
            case "halt": {
                String mode = Json.text(o, "mode", where);
                if (!mode.equals("graceful") && !mode.equals("force")) {
                    throw new AnswerException(where + ".mode must be graceful or force, got '" + mode + "'");
                }
                return new MkctlResult.Halted(Json.integer(o, "id", where), mode.equals("force"), status(o, where));
            }
            default:
                throw new AnswerException("unknown operation '" + operation + "'");
        }
    }

    private static void requireTrue(JsonNode o, String key, String where) throws AnswerException {
        if (!Json.bool(o, key, where)) {
            throw new AnswerException(where + "." + key + " is false in a success answer");
        }
    }

    private static Optional<InstanceStatus> status(JsonNode o, String where) throws AnswerException {
        return Json.optText(o, "status", where).map(InstanceStatus::parse);
    }

    private static InterfaceGeneration generation(String name, String where) throws AnswerException {
        return InterfaceGeneration.fromWire(name)
                .orElseThrow(() -> new AnswerException(
                        where + ".interface '" + name + "' is not one of none, unknown, current, rfc-v2"));
    }

    private static PoolState pool(JsonNode pool, String where) throws AnswerException {
        return new PoolState(DeviceTreeBlob.decode(Json.base64(pool, "device_tree", where), PoolTree::read));
    }

    /** {@code apic_id_source}; absent (mkctl before the CPU map cache) means /proc/cpuinfo. */
    private static CpuState.ApicIdSource apicIdSource(JsonNode cpu, OptionalInt apicId, String where)
            throws AnswerException {
        Optional<String> source = Json.optText(cpu, "apic_id_source", where);
        if (apicId.isEmpty()) {
            if (source.isPresent()) {
                throw new AnswerException(where + ".apic_id_source is \"" + source.get() + "\" but apic_id is null");
            }
            return CpuState.ApicIdSource.NONE;
        }
        return switch (source.orElse("cpuinfo")) {
            case "cpuinfo" -> CpuState.ApicIdSource.CPUINFO;
            case "cache" -> CpuState.ApicIdSource.CACHE;
            default -> CpuState.ApicIdSource.OTHER;
        };
    }

    static HostState state(JsonNode o, String where) throws AnswerException {
        List<CpuState> cpus = new ArrayList<>();
        int i = 0;
        for (JsonNode c : Json.array(o, "cpus", where)) {
            String w = where + ".cpus[" + i++ + "]";
            OptionalInt apicId = Json.optInt(c, "apic_id", w);
            cpus.add(new CpuState(
                    Json.integer(c, "cpu", w),
                    apicId,
                    Json.optInt(c, "numa_node", w),
                    Json.bool(c, "online", w),
                    apicIdSource(c, apicId, w)));
        }
        JsonNode poolNode = Json.field(o, "pool", where);
        Optional<PoolState> pool = poolNode.isNull() ? Optional.empty() : Optional.of(pool(poolNode, where + ".pool"));

        List<InstanceState> instances = new ArrayList<>();
        i = 0;
        for (JsonNode n : Json.array(o, "instances", where)) {
            String w = where + ".instances[" + i++ + "]";
            String status = Json.text(n, "status", w);
            Optional<DeviceTreeBlob<InstanceTree>> tree =
                    Json.optBase64(n, "device_tree", w).map(b -> DeviceTreeBlob.decode(b, InstanceTree::read));
            instances.add(new InstanceState(
                    Json.text(n, "name", w),
                    Json.optInt(n, "id", w),
                    InstanceStatus.parse(status),
                    status,
                    tree,
                    Json.optText(n, "device_tree_source", w)));
        }

        List<TransactionState> transactions = new ArrayList<>();
        i = 0;
        for (JsonNode n : Json.array(o, "overlays", where)) {
            String w = where + ".overlays[" + i++ + "]";
            String status = Json.text(n, "status", w);
            transactions.add(new TransactionState(
                    Json.integer(n, "id", w),
                    TransactionStatus.parse(status),
                    status,
                    Json.text(n, "instance", w),
                    Json.text(n, "resources", w),
                    DeviceTreeBlob.decode(Json.base64(n, "dtbo", w), OverlayTransaction::read)));
        }

        Optional<List<KernelImage>> kimages = Optional.empty();
        Optional<List<JsonNode>> kimageNodes = Json.array(o, "kimage", where, true);
        if (kimageNodes.isPresent()) {
            List<KernelImage> list = new ArrayList<>();
            i = 0;
            for (JsonNode n : kimageNodes.get()) {
                String w = where + ".kimage[" + i++ + "]";
                list.add(new KernelImage(
                        Json.integer(n, "mk_id", w),
                        Json.text(n, "type", w),
                        Json.text(n, "start", w),
                        Json.integer(n, "segments", w)));
            }
            kimages = Optional.of(list);
        }

        Optional<List<IomemRange>> iomem = Optional.empty();
        Optional<List<JsonNode>> iomemNodes = Json.array(o, "iomem", where, true);
        if (iomemNodes.isPresent()) {
            List<IomemRange> list = new ArrayList<>();
            i = 0;
            for (JsonNode n : iomemNodes.get()) {
                String w = where + ".iomem[" + i++ + "]";
                list.add(new IomemRange(
                        Json.address(n, "start", w),
                        Json.address(n, "end", w),
                        Json.text(n, "name", w),
                        Json.integer(n, "depth", w)));
            }
            iomem = Optional.of(list);
        }

        return new HostState(
                generation(Json.text(o, "interface", where), where),
                Json.bool(o, "mounted", where),
                Json.optText(o, "kernel_release", where),
                Json.text(o, "boot_id", where),
                cpus,
                pool,
                instances,
                transactions,
                kimages,
                iomem,
                Json.strings(o, "warnings", where));
    }

    /** mkctl's error object. */
    static MkctlError error(JsonNode e, String where) throws AnswerException {
        String kindName = Json.text(e, "kind", where);
        ErrorKind kind = ErrorKind.fromWire(kindName)
                .orElseThrow(() -> new AnswerException(where + ".kind '" + kindName + "' is unknown"));
        Optional<String> errnoName = Json.optText(e, "errno", where);
        OptionalInt number = Json.optInt(e, "errno_number", where);
        Optional<Errno> errno = errnoName.map(Errno::fromName);
        if (errno.isPresent() && errno.get() == Errno.OTHER && number.isPresent()) {
            errno = Errno.fromNumber(number.getAsInt()).or(() -> Optional.of(Errno.OTHER));
        }
        return new MkctlError(
                Json.text(e, "operation", where),
                kind,
                errno,
                errnoName,
                Json.optText(e, "call", where),
                Json.optText(e, "path", where),
                Json.text(e, "message", where),
                Json.optInt(e, "transaction_id", where),
                Json.optText(e, "transaction_status", where),
                Json.optText(e, "instance_status", where),
                Json.optInt(e, "batch_index", where));
    }
}
