use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::ptr;

use napi::bindgen_prelude::{JsValue, Object};
use napi::sys;
use napi_derive::napi;

use crate::router::{self, route_ticket};

/// Route tickets bound to this environment (the main thread or one worker),
/// and the routing scratch they share.
///
/// A ticket is bound once and routed by its slot from then on: reading a
/// typed array's address through N-API fetches the array's and its buffer's
/// objects from the JS heap on every call, which over the bench's 256
/// tickets cost ~90 ns a decision, more than a tenth of it. Only tickets
/// over a `SharedArrayBuffer` are bound: such a buffer can never be detached
/// or transferred away, so with a strong reference held here its memory
/// stays where it is until the slot is released.
#[derive(Default)]
struct Bindings {
    router: router::Router,
    ends: Vec<u32>,
    tickets: Vec<Option<BoundTicket>>,
    /// Released slots, reused before the list grows.
    free: Vec<u32>,
}

struct BoundTicket {
    data: *mut f64,
    len: usize,
    /// Keeps the ticket's buffer, so its memory, alive.
    buffer: sys::napi_ref,
}

/// Exports, on this environment's exports object, all sharing one
/// [`Bindings`] freed when the environment is torn down:
/// - `bindRouteTicket(ticket: Float64Array): number`: binds a ticket over a
///   `SharedArrayBuffer` and returns its slot;
/// - `routeBoundTicket(slot: number, adverseTicksPerMs: number): number`:
///   writes the router's adverse move into the ticket, plans its parent
///   order (layout in `router/ticket.rs`) into its plan region and returns
///   the number of child orders; a bad ticket throws with
///   `code: 'InvalidArg'` and the router's text;
/// - `releaseRouteTicket(slot: number): void`: lets the buffer go and frees
///   the slot.
///
/// Registered as plain N-API callbacks rather than through `#[napi]`: the
/// generated glue costs about 130 ns a call before any argument.
#[napi(module_exports)]
pub fn export_route_ticket(exports: Object<'_>, env: &napi::Env) -> napi::Result<()> {
    let bindings = Box::into_raw(Box::new(RefCell::new(Bindings::default())));
    // SAFETY: `bindings` is freed once, by the hook, when the environment is
    // torn down, after which none of these functions can be called.
    let status = unsafe { sys::napi_add_env_cleanup_hook(env.raw(), Some(free_bindings), bindings.cast()) };
    if status != sys::Status::napi_ok {
        // SAFETY: no hook holds it.
        drop(unsafe { Box::from_raw(bindings) });
        return Err(napi::Error::new(
            napi::Status::from(status),
            "could not export the router",
        ));
    }
    let functions: [(&CStr, sys::napi_callback); 3] = [
        (c"bindRouteTicket", Some(bind_route_ticket)),
        (c"routeBoundTicket", Some(route_bound_ticket)),
        (c"releaseRouteTicket", Some(release_route_ticket)),
    ];
    for (name, callback) in functions {
        let mut function = ptr::null_mut();
        // SAFETY: plain N-API calls on this module's env and exports object.
        let status = unsafe {
            match sys::napi_create_function(
                env.raw(),
                name.as_ptr(),
                name.count_bytes() as isize,
                callback,
                bindings.cast(),
                &mut function,
            ) {
                sys::Status::napi_ok => sys::napi_set_named_property(env.raw(), exports.raw(), name.as_ptr(), function),
                failed => failed,
            }
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::new(
                napi::Status::from(status),
                format!("could not export {}", name.to_string_lossy()),
            ));
        }
    }
    Ok(())
}

unsafe extern "C" fn free_bindings(bindings: *mut c_void) {
    // SAFETY: the pointer `export_route_ticket` registered, freed only here.
    // The references it holds belong to the environment being torn down,
    // which deletes them itself.
    drop(unsafe { Box::from_raw(bindings.cast::<RefCell<Bindings>>()) });
}

/// This call's first `N` arguments (undefined where missing) and the
/// functions' shared [`Bindings`].
///
/// # Safety
/// `env` and `info` must be a callback's own, on a function created by
/// [`export_route_ticket`].
unsafe fn arguments_and_bindings<'a, const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> ([sys::napi_value; N], &'a RefCell<Bindings>) {
    let (mut argc, mut argv, mut data) = (N, [ptr::null_mut(); N], ptr::null_mut());
    // SAFETY: as the caller promises. Missing arguments read as undefined.
    unsafe { sys::napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), &mut data) };
    // SAFETY: the data of every function made by `export_route_ticket`,
    // alive as long as the environment whose callback this is.
    (argv, unsafe { &*data.cast::<RefCell<Bindings>>() })
}

/// A slot argument as an index, if it is a number holding one.
fn slot_of(env: sys::napi_env, value: sys::napi_value) -> Option<usize> {
    let mut slot = 0u32;
    // SAFETY: reading a number on this callback's env; anything else fails.
    (unsafe { sys::napi_get_value_uint32(env, value, &mut slot) } == sys::Status::napi_ok).then_some(slot as usize)
}

unsafe extern "C" fn bind_route_ticket(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: this callback's env and info.
    let ([ticket], bindings) = unsafe { arguments_and_bindings(env, info) };
    let (mut kind, mut len, mut data, mut buffer) = (0, 0usize, ptr::null_mut(), ptr::null_mut());
    let mut unshared = true;
    // SAFETY: N-API calls with this callback's env. A typed array's buffer
    // is an ArrayBuffer or a SharedArrayBuffer, and only the former is an
    // ArrayBuffer to `napi_is_arraybuffer`.
    let is_f64_array = unsafe {
        sys::napi_get_typedarray_info(
            env,
            ticket,
            &mut kind,
            &mut len,
            &mut data,
            &mut buffer,
            ptr::null_mut(),
        ) == sys::Status::napi_ok
            && kind == sys::TypedarrayType::float64_array
            && sys::napi_is_arraybuffer(env, buffer, &mut unshared) == sys::Status::napi_ok
    };
    if !is_f64_array || unshared {
        return throw_invalid_arg(env, "the route ticket must be a Float64Array over a SharedArrayBuffer");
    }
    let mut reference = ptr::null_mut();
    // SAFETY: a strong reference to the buffer, on this env.
    if unsafe { sys::napi_create_reference(env, buffer, 1, &mut reference) } != sys::Status::napi_ok {
        return throw_invalid_arg(env, "could not hold the route ticket's buffer");
    }
    let bound = BoundTicket {
        data: data.cast::<f64>(),
        len,
        buffer: reference,
    };
    let mut bindings = bindings.borrow_mut();
    let slot = match bindings.free.pop() {
        Some(slot) => slot as usize,
        None => {
            bindings.tickets.push(None);
            bindings.tickets.len() - 1
        }
    };
    bindings.tickets[slot] = Some(bound);
    let mut result = ptr::null_mut();
    // SAFETY: creating a number on this callback's env.
    unsafe { sys::napi_create_uint32(env, slot as u32, &mut result) };
    result
}

unsafe extern "C" fn route_bound_ticket(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: this callback's env and info.
    let ([slot, adverse_arg], bindings) = unsafe { arguments_and_bindings(env, info) };
    let mut adverse = f64::NAN;
    // SAFETY: reading a number on this env; anything else leaves NaN, which the router refuses.
    unsafe { sys::napi_get_value_double(env, adverse_arg, &mut adverse) };
    // No JS runs during a decision, so the borrow is never re-entered.
    let mut bindings = bindings.borrow_mut();
    let Bindings {
        router, ends, tickets, ..
    } = &mut *bindings;
    let Some(ticket) = slot_of(env, slot).and_then(|slot| tickets.get(slot)?.as_ref()) else {
        return throw_invalid_arg(env, "no route ticket is bound to that slot");
    };
    let ticket: &mut [f64] = if ticket.len == 0 {
        &mut []
    } else {
        // SAFETY: a Float64Array's data, aligned for f64 and holding `len` of
        // them, in a shared buffer this binding keeps alive, which can be
        // neither detached nor shrunk. The JS thread is blocked in this call;
        // the caller must not let another thread write the ticket meanwhile
        // (true of any typed array handed to the addon).
        unsafe { std::slice::from_raw_parts_mut(ticket.data, ticket.len) }
    };
    if let Some(first) = ticket.first_mut() {
        *first = adverse;
    }
    match route_ticket(router, ends, ticket) {
        Ok(children) => {
            let mut result = ptr::null_mut();
            // SAFETY: creating a number on this callback's env.
            unsafe { sys::napi_create_uint32(env, children as u32, &mut result) };
            result
        }
        Err(err) => throw_invalid_arg(env, &err.to_string()),
    }
}

unsafe extern "C" fn release_route_ticket(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: this callback's env and info.
    let ([slot], bindings) = unsafe { arguments_and_bindings(env, info) };
    let mut bindings = bindings.borrow_mut();
    let Some((slot, bound)) = slot_of(env, slot).and_then(|slot| Some((slot, bindings.tickets.get_mut(slot)?.take()?)))
    else {
        return throw_invalid_arg(env, "no route ticket is bound to that slot");
    };
    // SAFETY: the reference this binding created on this env, deleted once.
    unsafe { sys::napi_delete_reference(env, bound.buffer) };
    bindings.free.push(slot as u32);
    ptr::null_mut()
}

/// Throws a JS error with `code: 'InvalidArg'`, as napi-rs's errors carry.
fn throw_invalid_arg(env: sys::napi_env, message: &str) -> sys::napi_value {
    // Our messages hold no NUL; should one, it is cut there rather than lost.
    let message = CString::new(message).unwrap_or_else(|err| {
        let end = err.nul_position();
        CString::new(&err.into_vec()[..end]).unwrap_or_default()
    });
    // SAFETY: both strings are NUL-terminated and outlive the call.
    unsafe { sys::napi_throw_error(env, c"InvalidArg".as_ptr().cast::<c_char>(), message.as_ptr()) };
    ptr::null_mut()
}
