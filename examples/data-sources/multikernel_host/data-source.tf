# Everything the multikernel interface of one host shows, in one round trip.
data "multikernel_host" "node1" {
  host = "admin@10.0.0.5"
}

# Which interface the kernel speaks: "current", "rfc-v2", "unknown" (not mounted) or "none".
output "interface" {
  value = data.multikernel_host.node1.interface_generation
}

# Free pool CPUs as logical numbers ("6-7") and free pool memory ("960MiB");
# the pool is null until a baseline is written (current interface only).
output "free_cpus" {
  value = try(data.multikernel_host.node1.pool.free_cpus, null)
}

output "free_memory" {
  value = try(data.multikernel_host.node1.pool.free_memory, null)
}

# Logical CPU number -> physical (APIC) id, the two names of each CPU.
output "apic_ids" {
  value = { for c in data.multikernel_host.node1.cpus : c.cpu => c.apic_id }
}

output "instance_names" {
  value = [for i in data.multikernel_host.node1.instances : i.name]
}
