// Entry point of the server bundle (dist/server.js).
import { startServer } from './start';

startServer();
