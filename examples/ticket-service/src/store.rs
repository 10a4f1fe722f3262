//! The ticket counter shared by all connections.

use std::sync::Mutex;

pub struct TicketStore {
    next: Mutex<u64>,
    pub issued: Mutex<Vec<u64>>,
}

impl TicketStore {
    pub fn new(first: u64) -> Self {
        TicketStore { next: Mutex::new(first), issued: Mutex::new(Vec::new()) }
    }

    pub fn take_ticket(&self) -> u64 {
        let mut next = self.next.lock().unwrap();
        let ticket = *next;
        *next += 1;
        self.issued.lock().unwrap().push(ticket);
        ticket
    }
}
