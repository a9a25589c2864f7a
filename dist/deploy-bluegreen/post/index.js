import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./actions/deploy-bluegreen/src/post.ts
/**
 * The post step: if the main step died holding the deploy lock (killed, cancelled), release it so
 * the next deploy doesn't wait for it to go stale; and remove a private docker config left behind.
 * Only a lock carrying this run's own random token is removed, never another holder's.
 * Dependency-free: the runner starts it after every run.
 */


const TOKEN_LABEL = 'switchyard.lock.token';
function releaseLock(h) {
    const args = h.host.kind === 'context' && h.host.name ? ['--context', h.host.name] : [];
    const env = h.host.kind === 'host' && h.host.url
        ? { ...process.env, DOCKER_HOST: h.host.url }
        : process.env;
    const docker = (...a) => (0,external_node_child_process_namespaceObject.spawnSync)('docker', [...args, ...a], { env, encoding: 'utf8' });
    const found = docker('container', 'inspect', '--format', `{{.Id}} {{index .Config.Labels "${TOKEN_LABEL}"}}`, h.name);
    if (found.status !== 0)
        return; // released by the main step, as it should be
    const [id = '', token = ''] = found.stdout.trim().split(' ');
    if (token !== h.token)
        return; // someone else's lock now
    if (docker('rm', '-f', id).status === 0)
        console.log(`Released the deploy lock ${h.name} the main step left behind`);
}
const lock = process.env['STATE_lock'] ?? '';
if (lock)
    releaseLock(JSON.parse(lock));
const dir = process.env['STATE_docker-config'] ?? '';
if (dir && (0,external_node_fs_namespaceObject.existsSync)(dir)) {
    (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
    console.log(`Removed the temporary docker config ${dir}`);
}

