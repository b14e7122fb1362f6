// Who is logged in and what the role may do in the console (the server checks again), shared
// by the shell and the pages.

export const session = { me: null };

export function me() { return session.me; }
export function role() { return session.me ? session.me.user.role : null; }
export function mayRecord(eventType) { return !!session.me && (session.me.may_record || []).includes(eventType); }
export function can(what) {
  const r = role();
  switch (what) {
    // A customer and its account manager open faults and complaints on their own lines.
    case 'create_order': return ['admin', 'monitoring', 'account_manager', 'customer'].includes(r);
    // Any kind, with what only the monitoring room decides (grade, failed hop, alarms, …).
    case 'create_any_order': return r === 'admin' || r === 'monitoring';
    case 'admin': return r === 'admin';
    case 'import': return r === 'admin';
    case 'inventory_network': return r !== 'customer';
    case 'contractors': return r !== 'customer';
    case 'regions': return r !== 'customer';
    case 'config_read': return ['admin', 'monitoring', 'lead_room', 'contractor', 'auditor'].includes(r);
    case 'config_upload': return ['admin', 'monitoring', 'lead_room', 'contractor'].includes(r);
    default: return false;
  }
}
