# A pool is imported by its host, written as in the host attribute.
import {
  to = multikernel_pool.node1
  id = "admin@10.0.0.5"
}
