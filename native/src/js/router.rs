use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::ptr;

use napi::bindgen_prelude::{JsValue, Object};
use napi::sys;
use napi_derive::napi;

use crate::router::{self, route_ticket};

/// A thread's routing scratch: no JS values, so every thread that loads the
/// addon (the main thread, each agent's worker) routes with its own.
#[derive(Default)]
struct Scratch {
    router: router::Router,
    ends: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Exports `routeTicket(ticket: Float64Array): number`: plans the route
/// ticket's parent order (layout in `router/ticket.rs`) into the ticket's plan
/// region and returns the number of child orders; a bad ticket throws with
/// `code: 'InvalidArg'` and the router's text.
///
/// Registered as a plain N-API callback rather than through `#[napi]`: the
/// generated glue costs about 130 ns a call before any argument and another
/// 60–100 ns for a typed array (it also fetches the array's buffer), against
/// about 80 ns for this whole call, measured from Node on the same machine.
/// A routing decision is about a microsecond, so the glue was a third of it.
#[napi(module_exports)]
pub fn export_route_ticket(exports: Object<'_>, env: &napi::Env) -> napi::Result<()> {
    let mut function = ptr::null_mut();
    let name = c"routeTicket";
    // SAFETY: plain N-API calls on this module's env and exports object.
    let status = unsafe {
        match sys::napi_create_function(
            env.raw(),
            name.as_ptr(),
            name.count_bytes() as isize,
            Some(route_ticket_callback),
            ptr::null_mut(),
            &mut function,
        ) {
            sys::Status::napi_ok => sys::napi_set_named_property(env.raw(), exports.raw(), name.as_ptr(), function),
            failed => failed,
        }
    };
    match status {
        sys::Status::napi_ok => Ok(()),
        failed => Err(napi::Error::new(
            napi::Status::from(failed),
            "could not export routeTicket",
        )),
    }
}

unsafe extern "C" fn route_ticket_callback(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let (mut argc, mut ticket) = (1usize, ptr::null_mut());
    let (mut kind, mut len, mut data) = (0, 0usize, ptr::null_mut());
    // SAFETY: N-API calls with this callback's env and info; a missing
    // argument reads as undefined, which is not a typed array.
    let is_f64_array = unsafe {
        sys::napi_get_cb_info(env, info, &mut argc, &mut ticket, ptr::null_mut(), ptr::null_mut())
            == sys::Status::napi_ok
            && sys::napi_get_typedarray_info(
                env,
                ticket,
                &mut kind,
                &mut len,
                &mut data,
                ptr::null_mut(),
                ptr::null_mut(),
            ) == sys::Status::napi_ok
            && kind == sys::TypedarrayType::float64_array
    };
    if !is_f64_array {
        return throw_invalid_arg(env, "the route ticket must be a Float64Array");
    }
    let ticket: &mut [f64] = if len == 0 {
        &mut []
    } else {
        // SAFETY: a Float64Array's data is aligned for f64 and holds `len`
        // of them. The JS thread is blocked in this call; the caller must not
        // let another thread write the ticket meanwhile (true of any typed
        // array handed to the addon). No JS runs during a decision, so the
        // scratch's borrow is never re-entered.
        unsafe { std::slice::from_raw_parts_mut(data.cast::<f64>(), len) }
    };
    match SCRATCH.with_borrow_mut(|s| route_ticket(&mut s.router, &mut s.ends, ticket)) {
        Ok(children) => {
            let mut result = ptr::null_mut();
            // SAFETY: creating a number on this callback's env.
            unsafe { sys::napi_create_uint32(env, children as u32, &mut result) };
            result
        }
        Err(err) => throw_invalid_arg(env, &err.to_string()),
    }
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
