//! Interactive `new --source sqs` declaring a FIFO queue: the new queue's
//! question (FIFO?), then the batch size; the printed command makes the
//! same files.

use super::{ENTER, answer, finish, replay, spawn};
use crate::support;

#[test]
fn sqs_flow_declares_a_fifo_queue() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn(dir.path(), &["new", "--source", "sqs"], None);
    answer(&mut p, "Which queue?", ENTER); // Declare a new sqs-queue
    answer(&mut p, "Name of the new sqs-queue", &format!("orders{ENTER}"));
    answer(&mut p, "A FIFO queue", &format!("y{ENTER}"));
    answer(&mut p, "Messages per batch?", &format!("\x7f\x7f5{ENTER}"));
    answer(&mut p, "Do you want to edit the handler", &format!("n{ENTER}"));
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    let root = support::read(dir.path(), "Cargo.toml");
    assert!(root.contains("type = \"sqs-queue\"\nfifo = true\n"), "{root}");
    let manifest = support::read(dir.path(), "triggers/orders-sqs-trigger/Cargo.toml");
    assert!(manifest.contains("queue = \"orders\"\nbatch-size = 5\n"), "{manifest}");
    assert!(out.contains("--queue orders --batch-size 5 --fifo true"), "{out}");
    let lib = support::read(dir.path(), "triggers/orders-sqs-trigger/src/lib.rs");
    assert!(lib.contains("The queue is FIFO"), "{lib}");

    let again = tempfile::tempdir().unwrap();
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(dir.path()));
}
