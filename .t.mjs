import { parse } from 'yaml';
for (const s of ['yes','y','Y','n','on','off','~','null','NULL','1:20','2001-12-14','0x1F','0o17','017','1_000','.inf','.NaN','1e3','=','<<','240.0.0.1','1.29.0','v1','-','foo:','a: b','#x','*a','&a','!a','%a','@a','`a','true','TRUE','False','+1','-1.5','0b101','12:30:00','.5','1.','0.']) {
  const a = parse(s); let b; try { b = parse(s, {schema:'yaml-1.1'}); } catch(e) { b = 'ERR' }
  console.log(JSON.stringify(s), JSON.stringify(a), JSON.stringify(b));
}
