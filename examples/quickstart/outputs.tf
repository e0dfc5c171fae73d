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

output "pools" {
  description = "Interface generation and physical CPU ids of every pool."
  value = {
    for p in concat(values(multikernel_pool.current), [multikernel_pool.rfc_v2]) : p.host => {
      interface        = p.interface_generation
      physical_cpu_ids = p.physical_cpu_ids
    }
  }
}

output "hosts" {
  description = "Interface generation, boot id and the instances each host reports."
  value = {
    for name, h in data.multikernel_host.all : name => {
      interface = h.interface_generation
      boot_id   = h.boot_id
      instances = { for i in data.multikernel_instances.all[name].instances : i.name => i.status }
    }
  }
}
