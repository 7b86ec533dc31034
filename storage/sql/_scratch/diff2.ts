import { MikroORM } from "@mikro-orm/core";
import { MySqlDriver } from "@mikro-orm/mysql";
import { ENTITIES } from "../entities.ts";
const orm = await MikroORM.init({ driver: MySqlDriver, entities: ENTITIES, clientUrl: "mysql://root@127.0.0.1:3306/teezu_scratch3" } as any);
await orm.schema.create();
console.log(JSON.stringify(await orm.schema.getUpdateSchemaSQL({ wrap: false })));
await orm.schema.dropDatabase("teezu_scratch3");
await orm.close();
