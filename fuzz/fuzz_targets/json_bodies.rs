//! Arbitrary bytes as the JSON body of a `POST`/`PUT` of the API: deserialized with
//! `serde_json::from_slice` (what axum's `Json` extractor does) into every input type, then
//! `Validate::validate` on what parses, then serialized again (responses echo inputs). No panic.
#![no_main]

use jike_domain::{
    CircuitInput, ContractorInput, CustomerInput, ElementInput, EventCreate, HopInput,
    InstrumentInput, OrderCreate, RegionInput, SiteInput, StaffInput, Validate, VehicleInput,
};
use libfuzzer_sys::fuzz_target;
use serde::{de::DeserializeOwned, Serialize};

fn check<T: DeserializeOwned + Serialize + Validate>(data: &[u8]) {
    if let Ok(input) = serde_json::from_slice::<T>(data) {
        let _ = input.validate();
        let _ = serde_json::to_vec(&input).expect("an input that was read serializes");
    }
}

fuzz_target!(|data: &[u8]| {
    check::<RegionInput>(data);
    check::<SiteInput>(data);
    check::<ElementInput>(data);
    check::<CustomerInput>(data);
    check::<CircuitInput>(data);
    check::<ContractorInput>(data);
    check::<StaffInput>(data);
    check::<InstrumentInput>(data);
    check::<VehicleInput>(data);
    check::<OrderCreate>(data);
    check::<EventCreate>(data);
    // A path's hops in JSON (a circuit's `path`), on their own.
    if let Ok(hops) = serde_json::from_slice::<Vec<HopInput>>(data) {
        let mut problems = jike_domain::Problems::default();
        jike_domain::path::validate_hops(&hops, &mut problems);
    }
});
