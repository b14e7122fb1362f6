//! Synthetic configurations of a given size, for the benchmark (`benches/lint.rs`) and the
//! `gen_configs` example that times `jike lint-config` over 10,000 files. Deterministic in the
//! seed; compliant in the main, so that a run measures parsing and checking, not reporting.

use std::fmt::Write as _;

use crate::Vendor;

/// A configuration of about `lines` lines (never fewer) for `vendor`, varied by `seed`.
pub fn config(vendor: Vendor, seed: u64, lines: usize) -> String {
    let mut s = String::with_capacity(lines * 32);
    let id = seed % 10_000;
    match vendor {
        Vendor::Huawei => {
            let _ = write!(
                s,
                "!Software Version V200R019C10SPC500\n#\nsysname SZ-FT-AGG-{id:04}\n#\nvlan batch 100 to 163\n#\n\
                 clock timezone BJ add 08:00:00\n#\nhwtacacs-server template tac\n hwtacacs-server authentication 10.255.2.1 49\n \
                 hwtacacs-server authentication 10.255.2.2 49 secondary\n hwtacacs-server shared-key cipher %^%#Kx2$Vb8Q%^%#\n#\n\
                 aaa\n authentication-scheme tac\n  authentication-mode hwtacacs local\n domain default_admin\n  authentication-scheme tac\n  \
                 hwtacacs-server tac\n local-user admin password irreversible-cipher $1a$Wq3Jv$\n local-user admin privilege level 15\n \
                 local-user admin service-type ssh terminal\n#\nntp-service unicast-server 10.255.0.1\nntp-service unicast-server 10.255.0.2\n#\n\
                 info-center loghost 10.255.1.10\n#\nsnmp-agent\nsnmp-agent sys-info version v3\n\
                 snmp-agent target-host trap address udp-domain 10.255.1.20 params securityname nms v3 privacy\n#\n"
            );
            let mut k = 0u32;
            let mut n = s.bytes().filter(|&b| b == b'\n').count() + 64 * 4 + 6;
            while n < lines {
                let at = s.len();
                let v = 100 + k % 64;
                let _ = write!(
                    s,
                    "interface GigabitEthernet0/{}/{}\n description to-{}-cust{:05}\n port link-type access\n port default vlan {v}\n \
                     traffic-filter inbound acl {}\n stp edged-port enable\n#\n",
                    k / 48 % 8,
                    k % 48,
                    id,
                    k,
                    3000 + k % 50
                );
                if k.is_multiple_of(8) {
                    let _ = write!(
                        s,
                        "acl number {}\n description cust-{k}\n rule 5 permit ip source 10.{}.{}.0 0.0.0.255\n rule 10 deny ip\n#\n",
                        3000 + k % 50,
                        k / 256 % 256,
                        k % 256
                    );
                }
                n += s[at..].bytes().filter(|&b| b == b'\n').count();
                k += 1;
            }
            for v in 100..164 {
                let _ = write!(s, "interface Vlanif{v}\n description gw-vlan{v}\n ip address 10.{}.{}.1 255.255.255.0\n#\n", v % 256, id % 256);
            }
            s.push_str("user-interface vty 0 4\n authentication-mode aaa\n protocol inbound ssh\n#\nreturn\n");
        }
        Vendor::H3c => {
            let _ = write!(
                s,
                "#\n version 7.1.064, Release 0821P11\n#\n sysname SZ-NS-AGG-{id:04}\n#\n clock timezone BJ add 08:00:00\n#\n \
                 ntp-service unicast-server 10.255.0.1\n ntp-service unicast-server 10.255.0.2\n#\n info-center loghost 10.255.1.10\n#\n \
                 snmp-agent target-host trap address udp-domain 10.255.1.20 params securityname nms v3 privacy\n#\n\
                 hwtacacs scheme tac\n primary authentication 10.255.2.1\n secondary authentication 10.255.2.2\n \
                 key authentication cipher $c$3$Qx8t\n#\ndomain system\n authentication login hwtacacs-scheme tac local\n#\n \
                 domain default enable system\n#\nlocal-user admin class manage\n password hash $h$6$Zq\n service-type ssh\n#\n"
            );
            let mut k = 0u32;
            let mut n = s.bytes().filter(|&b| b == b'\n').count() + 4;
            while n < lines {
                let at = s.len();
                let v = 100 + k % 64;
                let _ = write!(
                    s,
                    "vlan {v}\n description cust-vlan{v}\n#\ninterface GigabitEthernet1/0/{}\n port link-mode bridge\n description to-cust{:05}\n \
                     port access vlan {v}\n packet-filter {} inbound\n#\n",
                    k % 48 + 1,
                    k,
                    3000 + k % 50
                );
                if k.is_multiple_of(8) {
                    let _ = write!(
                        s,
                        "acl advanced {}\n description cust-{k}\n rule 5 permit ip source 10.{}.{}.0 0.0.0.255\n rule 10 deny ip\n#\n",
                        3000 + k % 50,
                        k / 256 % 256,
                        k % 256
                    );
                }
                n += s[at..].bytes().filter(|&b| b == b'\n').count();
                k += 1;
            }
            s.push_str(
                "line vty 0 63\n authentication-mode scheme\n protocol inbound ssh\n#\nreturn\n",
            );
        }
        Vendor::Cisco => {
            let _ = write!(
                s,
                "!\nversion 15.2\nservice timestamps log datetime msec\nservice password-encryption\n!\nhostname SZ-LH-AGG-{id:04}\n!\n\
                 aaa new-model\naaa authentication login default group tacacs+ local\n!\nclock timezone CST 8 0\n!\n\
                 tacacs server TAC1\n address ipv4 10.255.2.1\n key 7 0822455D0A16\n\
                 tacacs server TAC2\n address ipv4 10.255.2.2\n key 7 0822455D0A16\n!\nntp server 10.255.0.1\nntp server 10.255.0.2\n\
                 logging host 10.255.1.10\nsnmp-server host 10.255.1.20 version 3 priv nms\n!\n"
            );
            let mut k = 0u32;
            let mut n = s.bytes().filter(|&b| b == b'\n').count() + 64 * 3 + 4;
            while n < lines {
                let at = s.len();
                let _ = write!(
                    s,
                    "interface GigabitEthernet0/{}\n description to-cust{:05}\n switchport access vlan {}\n switchport mode access\n \
                     ip access-group CUST{} in\n spanning-tree portfast\n!\n",
                    k % 48,
                    k,
                    100 + k % 64,
                    k % 50
                );
                if k.is_multiple_of(8) {
                    let _ = write!(
                        s,
                        "ip access-list extended CUST{}\n 10 permit ip 10.{}.{}.0 0.0.0.255 any\n 20 deny ip any any\n!\n",
                        k % 50,
                        k / 256 % 256,
                        k % 256
                    );
                }
                n += s[at..].bytes().filter(|&b| b == b'\n').count();
                k += 1;
            }
            for v in 100..164 {
                let _ = write!(s, "vlan {v}\n name cust-{v}\n!\n");
            }
            s.push_str("line vty 0 4\n transport input ssh\n!\nend\n");
        }
    }
    s
}
