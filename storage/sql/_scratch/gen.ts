import { MikroORM } from "@mikro-orm/core";
import { LibSqlDriver } from "@mikro-orm/libsql";
import { MySqlDriver } from "@mikro-orm/mysql";
import { ENTITIES } from "../entities.ts";
for (const [driver, extra] of [[LibSqlDriver, { dbName: ":memory:" }], [MySqlDriver, { clientUrl: "mysql://root@127.0.0.1:3306/teezu_scratch" }]] as const) {
  const orm = await MikroORM.init({ driver: driver as any, entities: ENTITIES, ...extra } as any);
  console.log("=====", (driver as any).name);
  console.log(await orm.schema.getCreateSchemaSQL({ wrap: false }));
  await orm.close();
}
