import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./actions/build-image/src/post.ts
/**
 * The post step: removes the private docker config if the main step could not (it was killed, or
 * the runner cancelled it). A separate, dependency-free bundle: the runner starts it after every
 * run, so it must cost no more than Node's own start-up.
 */

const dir = process.env['STATE_docker-config'] ?? '';
if (dir && (0,external_node_fs_namespaceObject.existsSync)(dir)) {
    (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
    console.log(`Removed the temporary docker config ${dir}`);
}

