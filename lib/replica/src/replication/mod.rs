//! Replication: the slave side's one master connection (`channel`), the
//! state that the statements (CHANGE MASTER, START/STOP SLAVE, SHOW SLAVE
//! STATUS), the IO thread and the SQL thread share. The master side, the
//! threads themselves and the slave's filters live in their own components
//! beside it.

pub mod apply;
pub mod channel;
pub mod filter;
pub mod lag;
pub mod master;
pub mod parallel;
pub mod slave;
pub mod sql_thread;

pub use channel::Channel;
