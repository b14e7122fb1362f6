//! Loading the demo dataset (`jike-demo`): its inventory upserted in batches, and its day of work
//! orders opened through the same path as the API, so that every rule applies.

use jike_demo::Demo;
use jike_domain::Vocabulary;

use crate::inventory::entity::{Entity, Resolver};
use crate::inventory::ops;
use crate::scope::Caller;
use crate::{
    prefetch_references, Circuits, Contractors, Counts, Customers, Elements, Instruments, Regions,
    Sites, StaffMembers, Store, StoreError, Vehicles, IMPORT_BATCH,
};

impl Store {
    /// Opens the demo's day of work orders (`jike_demo::day_of_orders`) on its circuits, as if
    /// they had come in over the day before `now`, through the same path as the API (every rule
    /// applies); does nothing when the database already holds orders. Returns how many it made.
    pub async fn load_demo_orders(
        &self,
        demo: &Demo,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize, StoreError> {
        let any: Option<(i64,)> = {
            let mut c = self.db.read().await?;
            c.conn()
                .fetch_optional("SELECT id FROM orders LIMIT 1", &[])
                .await?
        };
        if any.is_some() {
            return Ok(0);
        }
        // Whole seconds: what the SLA clocks keep.
        let now = chrono::DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        let caller = Caller::system("demo");
        let day = jike_demo::day_of_orders(&demo.order_circuits());
        let mut first_assigned = None;
        for plan in &day {
            let occurred = now - chrono::Duration::minutes(plan.occurred_minutes_ago);
            let local = jike_domain::time::local;
            let mut create = plan.create.clone();
            create.occurred_at = Some(local(occurred));
            let created = self.create_order_as(&caller, &create, None, now).await?;
            // Issue 14: the dispatch names one of the contractor's technicians.
            let technician = match (plan.technician, &created.order.contractor_code) {
                (Some(n), Some(contractor)) => self.demo_staff_of(contractor, n).await?,
                _ => None,
            };
            for (after, event) in &plan.events {
                let mut event = event.clone();
                event.at = Some(local(occurred + chrono::Duration::minutes(*after)));
                if event.kind == jike_domain::EventType::Dispatched {
                    event.assignee_code = technician.clone();
                }
                self.record_event_as(&caller, created.order.id, &event, now)
                    .await?;
            }
            if plan.technician == Some(0) && first_assigned.is_none() {
                first_assigned = technician.zip(created.order.contractor_code.clone());
            }
        }
        if let Some((staff, contractor)) = first_assigned {
            self.add_demo_technician(&caller, &staff, &contractor)
                .await?;
        }
        Ok(day.len())
    }

    /// The code of the `n`-th staff member (in code order) of a contractor.
    async fn demo_staff_of(
        &self,
        contractor: &str,
        n: usize,
    ) -> Result<Option<String>, StoreError> {
        let mut c = self.db.read().await?;
        let rows: Vec<(String,)> = c
            .conn()
            .fetch_all(
                "SELECT s.code FROM staff s JOIN contractors c ON c.id = s.contractor_id \
                 WHERE c.code = $1 ORDER BY s.code LIMIT 2",
                &[crate::db::Val::text(contractor)],
            )
            .await?;
        Ok(rows.get(n).or(rows.first()).map(|(c,)| c.clone()))
    }

    /// The demo's technician account (`jike_demo::DEMO_TECHNICIAN`), without a password, linked
    /// to `staff`; left alone when the name is taken.
    async fn add_demo_technician(
        &self,
        caller: &Caller,
        staff: &str,
        contractor: &str,
    ) -> Result<(), StoreError> {
        if self.user(jike_demo::DEMO_TECHNICIAN).await.is_ok() {
            return Ok(());
        }
        let name: Option<(String,)> = {
            let mut c = self.db.read().await?;
            c.conn()
                .fetch_optional(
                    "SELECT name FROM staff WHERE code = $1",
                    &[crate::db::Val::text(staff)],
                )
                .await?
        };
        let input = crate::accounts::NewUser {
            name: jike_demo::DEMO_TECHNICIAN.into(),
            display_name: name.map(|(n,)| n),
            role: jike_domain::Role::Contractor,
            password: None,
            room: None,
            contractor_code: Some(contractor.into()),
            customer_code: None,
            account_manager: None,
            region_codes: vec![],
            staff_code: Some(staff.into()),
        };
        self.add_user(caller, &input).await?;
        Ok(())
    }

    /// Writes the demo dataset (upserting, so it may run again). `progress` is told each kind
    /// and how many of it were written.
    pub async fn load_demo(
        &self,
        demo: &Demo,
        progress: impl FnMut(&str, usize),
    ) -> Result<Counts, StoreError> {
        self.load_demo_parts(demo, true, progress).await
    }

    /// The demo dataset without its circuits: what an import benchmark's circuits refer to.
    pub async fn load_demo_without_circuits(
        &self,
        demo: &Demo,
        progress: impl FnMut(&str, usize),
    ) -> Result<Counts, StoreError> {
        self.load_demo_parts(demo, false, progress).await
    }

    async fn load_demo_parts(
        &self,
        demo: &Demo,
        circuits: bool,
        mut progress: impl FnMut(&str, usize),
    ) -> Result<Counts, StoreError> {
        // A region's parent must be stored before it is referred to: one level at a time.
        let regions = demo.regions();
        for level in jike_domain::RegionLevel::ALL {
            let of_level: Vec<_> = regions
                .iter()
                .filter(|r| r.level == *level)
                .cloned()
                .collect();
            self.demo_batch::<Regions>(&of_level).await?;
        }
        progress("regions", demo.regions().len());
        self.demo_batch::<Contractors>(&demo.contractors()).await?;
        progress("contractors", demo.contractors().len());
        self.demo_stream::<Sites>(demo.site_count(), |i| demo.site(i), &mut progress, "sites")
            .await?;
        self.demo_stream::<Elements>(
            demo.element_count(),
            |i| demo.element(i),
            &mut progress,
            "elements",
        )
        .await?;
        self.demo_stream::<Customers>(
            demo.customer_count(),
            |i| demo.customer(i),
            &mut progress,
            "customers",
        )
        .await?;
        if circuits {
            self.demo_stream::<Circuits>(
                demo.circuit_count(),
                |i| demo.circuit(i),
                &mut progress,
                "circuits",
            )
            .await?;
        }
        self.demo_stream::<StaffMembers>(
            demo.staff_count(),
            |i| demo.staff(i),
            &mut progress,
            "staff",
        )
        .await?;
        let instruments = demo.instruments();
        self.demo_batch::<Instruments>(&instruments).await?;
        progress("instruments", instruments.len());
        let vehicles = demo.vehicles();
        self.demo_batch::<Vehicles>(&vehicles).await?;
        progress("vehicles", vehicles.len());
        self.refresh_statistics().await?;
        self.counts().await
    }

    async fn demo_stream<E: Entity>(
        &self,
        count: usize,
        item: impl Fn(usize) -> E::Input,
        progress: &mut impl FnMut(&str, usize),
        what: &str,
    ) -> Result<(), StoreError> {
        let mut start = 0;
        while start < count {
            let end = (start + IMPORT_BATCH).min(count);
            let batch: Vec<E::Input> = (start..end).map(&item).collect();
            self.demo_batch::<E>(&batch).await?;
            progress(what, end);
            start = end;
        }
        Ok(())
    }

    async fn demo_batch<E: Entity>(&self, inputs: &[E::Input]) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        let mut refs = Resolver::default();
        {
            let mut conn = tx.conn();
            prefetch_references::<E>(&mut conn, &mut refs, inputs.iter()).await?;
            let refs_in: Vec<&E::Input> = inputs.iter().collect();
            if let Err(problems) =
                ops::upsert_many::<E>(&mut conn, &mut refs, &refs_in, false, false).await?
            {
                let (i, e) = &problems[0];
                return Err(StoreError::Corrupt(format!(
                    "demo {} '{}' is invalid: {e}",
                    E::SPEC.noun,
                    E::code(&inputs[*i])
                )));
            }
        }
        tx.commit().await
    }
}
