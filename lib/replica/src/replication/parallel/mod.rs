//! Parallel apply on the slave (spec 1–5): the SQL thread becomes a
//! driver that reads whole event groups and hands them to a pool of
//! workers, which run them concurrently and commit them in relay-log
//! order per replication domain. `schedule` decides which groups may
//! overlap, `order` keeps the commit order with its stop, failure and
//! pause points, `engine` shares it between threads, `pool` and `worker`
//! run the groups, and `driver` is the SQL thread's side. The `mysql_*`
//! modules hold the mysql flavor's rules and `flavor_names` its names.

pub mod driver;
pub mod engine;
pub mod flavor_names;
pub mod mysql_failure;
pub mod mysql_schedule;
pub mod mysql_stop;
pub mod order;
pub mod pool;
pub mod schedule;
pub mod worker;
