//! Group commit for intake and thread messages: writes that arrive while a commit is being made
//! durable wait for the next one, and that next commit takes them all in one transaction. A
//! durable commit costs about one fsync whatever it holds, so a burst of reports costs a few
//! fsyncs instead of one each, and writers never queue on SQLite's write lock; a 201 is still
//! sent only after the commit that holds its write is durable.
//!
//! There is no timer: a lone write is committed at once, and batches grow only as far as
//! the queue did while the previous commit was running (at most `MAX_BATCH`).

use tokio::sync::{mpsc, oneshot};

use super::{
    Intake, IntakeOutcome, IntakeStore, MessageOutcome, NewMessage, Outcome, StoreError, Thing,
    Write,
};

/// Most writes in one transaction: bounds the time one commit holds the write lock.
pub const MAX_BATCH: usize = 128;
/// Writes waiting for a commit before new ones wait to be queued (back-pressure).
const QUEUE: usize = 1024;

type Reply = oneshot::Sender<Result<Outcome, StoreError>>;

/// How writes commit: through one committer task that batches, or one transaction each.
#[derive(Clone)]
pub enum Committer {
    Grouped(mpsc::Sender<(Write, Reply)>),
    OneByOne(IntakeStore),
}

impl Committer {
    /// With `grouped`, starts the committer task (on the current Tokio runtime).
    pub fn new(store: IntakeStore, grouped: bool) -> Self {
        if !grouped {
            return Committer::OneByOne(store);
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, rx));
        Committer::Grouped(tx)
    }

    /// Commits one submission; returns once it is durable (or known not to be).
    pub async fn intake(&self, intake: Intake) -> Result<IntakeOutcome, StoreError> {
        match self.commit(Write::Intake(intake)).await? {
            Outcome::Intake(outcome) => Ok(outcome),
            Outcome::Message(_) => Err(StoreError::Corrupt("intake outcome")),
        }
    }

    /// Appends a message to its thread: `Missing` without the report (in the message's desk),
    /// `Full` at the cap.
    pub async fn message(&self, message: NewMessage) -> Result<(), StoreError> {
        match self.commit(Write::Message(message)).await? {
            Outcome::Message(MessageOutcome::Added) => Ok(()),
            Outcome::Message(MessageOutcome::NoSuchReport) => {
                Err(StoreError::Missing(Thing::Report))
            }
            Outcome::Message(MessageOutcome::ThreadFull) => Err(StoreError::Full),
            Outcome::Intake(_) => Err(StoreError::Corrupt("message outcome")),
        }
    }

    async fn commit(&self, write: Write) -> Result<Outcome, StoreError> {
        match self {
            Committer::OneByOne(store) => {
                let mut outcomes = store.commit(std::slice::from_ref(&write)).await?;
                outcomes.pop().ok_or(StoreError::Corrupt("write outcome"))
            }
            Committer::Grouped(queue) => {
                let (reply, answer) = oneshot::channel();
                queue
                    .send((write, reply))
                    .await
                    .map_err(|_| StoreError::Unavailable("the committer stopped".into()))?;
                answer
                    .await
                    .map_err(|_| StoreError::Unavailable("the committer dropped a write".into()))?
            }
        }
    }
}

async fn run(store: IntakeStore, mut queue: mpsc::Receiver<(Write, Reply)>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        // A requester that gave up while waiting (its time limit answered 408) is not told of
        // the outcome: committing its write would store a report whose phrase it never saw.
        waiting.retain(|(_, reply)| !reply.is_closed());
        if waiting.is_empty() {
            continue;
        }
        let (batch, replies): (Vec<Write>, Vec<Reply>) = waiting.drain(..).unzip();
        match store.commit(&batch).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    // One that gave up during the commit itself is not waiting: its write stays.
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}
