# A pool is imported by its host, written as in the host attribute.
terraform import multikernel_pool.node1 admin@10.0.0.5
