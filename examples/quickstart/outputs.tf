output "web_id" {
  description = "The multikernel id of instance web (what mkctl and kerf call it)."
  value       = multikernel_instance.web.instance_id
}

output "instances" {
  description = "Every managed instance: host, status, CPUs (logical and as the kernel names them), memory."
  value = {
    for i in [
      multikernel_instance.web,
      multikernel_instance.batch,
      multikernel_instance.spare,
      multikernel_instance.edge,
      ] : i.name => {
      host             = i.host
      status           = i.status
      cpus             = i.cpus
      physical_cpu_ids = i.physical_cpu_ids
      memory           = i.memory
      interface        = i.interface_generation
    }
  }
}

output "hosts" {
  description = "Interface generation, free pool CPUs and the instances each host reports."
  value = {
    for name, h in data.multikernel_host.all : name => {
      interface = h.interface_generation
      boot_id   = h.boot_id
      free_cpus = try(h.pool.free_cpus, null)
      instances = { for i in data.multikernel_instances.all[name].instances : i.name => i.status }
    }
  }
}
