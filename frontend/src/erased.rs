//! The SPA's reactive primitives with their types erased: [`Loaded`] (data that loads in the
//! background: a list, a report, a visit card) over `LocalResource`, [`Task`] (a write a button
//! starts: a save, a payment) over `Action`, and [`effect`] over `Effect`.
//!
//! Why not the Leptos types directly: Leptos compiles the whole async machinery (futures,
//! subscriptions, read guards, mapped signals, the effect's task) once per value type and once
//! per closure. With some fifty resources, thirty actions and forty effects over as many answer
//! types, that was about a sixth of the wasm (measured on the full bundle: ~313 KB of ~2.5 MB of
//! code before `wasm-opt` for the resources alone, ~50 KB for the effects). Here every resource
//! is the same `LocalResource<Value>` with a boxed fetcher, every action the same
//! `Action<Value, Value>` and every effect the same `Effect` over a boxed closure, so that
//! machinery is compiled once; each type adds only its boxing and a downcast.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

/// The loaded value, type-erased (the [`Loaded`] handle knows its type).
type Value = Rc<dyn Any>;

/// A future with its output type erased.
type Pending = Pin<Box<dyn Future<Output = Value>>>;

/// A fetcher with its type erased: each call starts one load.
type Fetcher = Rc<dyn Fn() -> Pending>;

/// A task's body with its types erased: each call runs it once on an input.
type Runner = Rc<dyn Fn(&Value) -> Pending>;

/// Data loaded by an async fetcher, reloaded when a signal the fetcher reads changes (as with
/// `LocalResource`): `None` while the first load runs, then the latest value.
pub struct Loaded<T> {
    inner: LocalResource<Value>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: Clone + 'static> Loaded<T> {
    /// Starts loading with `fetch`; runs it again whenever a signal it reads before its first
    /// `.await` changes.
    pub fn new<Fut>(fetch: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = T> + 'static,
    {
        let fetch: Fetcher = Rc::new(move || {
            let load = fetch();
            Box::pin(async move { Rc::new(load.await) as Value })
        });
        Self {
            inner: erased(fetch),
            ty: PhantomData,
        }
    }

    /// The latest value (`None` while the first load runs); tracked like a signal.
    pub fn get(&self) -> Option<T> {
        self.inner.get().map(|value| typed::<T>(&value).clone())
    }
}

/// The one `LocalResource` instantiation every [`Loaded`] shares.
fn erased(fetch: Fetcher) -> LocalResource<Value> {
    LocalResource::new(move || fetch())
}

/// A write started from the UI (a save, a payment, a refund): `pending()` while it runs,
/// `result()` the outcome of the last run. Like Leptos's `Action::new_local`, typed `I` → `O`.
pub struct Task<I, O> {
    inner: Action<Value, Value>,
    ty: PhantomData<fn(I) -> O>,
}

impl<I, O> Clone for Task<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O> Copy for Task<I, O> {}

impl<I: 'static, O: Clone + 'static> Task<I, O> {
    /// A task that runs `run` on each dispatched input.
    pub fn new<Fut>(run: impl Fn(&I) -> Fut + 'static) -> Self
    where
        Fut: Future<Output = O> + 'static,
    {
        let run: Runner = Rc::new(move |input: &Value| {
            let work = run(typed::<I>(input));
            Box::pin(async move { Rc::new(work.await) as Value })
        });
        Self {
            inner: erased_action(run),
            ty: PhantomData,
        }
    }

    /// Runs the task on `input` (as `Action::dispatch_local`: `result` shows the latest run).
    pub fn dispatch_local(&self, input: I) {
        self.inner.dispatch_local(Rc::new(input));
    }

    /// True while a run is going (the button's busy state).
    pub fn pending(&self) -> Memo<bool> {
        self.inner.pending()
    }

    /// The last run's outcome (`None` before the first one ends); tracked like a signal.
    pub fn result(&self) -> Option<O> {
        self.inner
            .value()
            .get()
            .map(|value| typed::<O>(&value).clone())
    }
}

/// The one `Action` instantiation every [`Task`] shares.
fn erased_action(run: Runner) -> Action<Value, Value> {
    Action::new_local(move |input: &Value| run(input))
}

/// Runs `f` now and again whenever a signal it read last time changes (Leptos's `Effect::new`
/// without the previous value, which no page needs).
pub fn effect(f: impl FnMut() + 'static) {
    erased_effect(Box::new(f));
}

/// The one `Effect` instantiation every [`effect`] shares.
fn erased_effect(mut f: Box<dyn FnMut()>) {
    Effect::new(move |_| f());
}

/// The value as the type its [`Loaded`] or [`Task`] was made with (the only type it can hold).
fn typed<T: 'static>(value: &Value) -> &T {
    match value.downcast_ref::<T>() {
        Some(v) => v,
        None => unreachable!("a Loaded<T> holds a T and a Task<I, O> takes an I and gives an O"),
    }
}
