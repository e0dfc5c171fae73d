# The pool of a host with the current multikernel interface: logical CPUs 2-5 (as lscpu
# numbers them), 1GiB of memory from any NUMA node and 512MiB from node 1, and a NIC.
# Instances on this host are given CPUs, memory and devices from here.
resource "multikernel_pool" "node1" {
  host = "admin@10.0.0.5"
  cpus = "2-5"

  memory = [
    { size = "1GiB" },
    { size = "512MiB", numa_node = 1 },
  ]

  devices = [
    { address = "0000:03:00.0" },
  ]
}

# What the kernel calls the pool's CPUs: physical (APIC) ids, in the order of cpus.
output "pool_apic_ids" {
  value = multikernel_pool.node1.physical_cpu_ids
}

# On an RFC v2 host the pool is the memory reserved at boot with mkkernel_pool=4G:
# it is adopted read-only. Leave cpus and devices out; memory may state its size.
resource "multikernel_pool" "node2" {
  host   = "admin@10.0.0.6"
  memory = [{ size = "4GiB" }]
}
