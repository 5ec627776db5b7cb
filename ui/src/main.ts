import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { pageMark } from "./lib/ready";
import { startTheme } from "./lib/theme";

pageMark("script running");

startTheme();

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");
const app = mount(App, { target });
pageMark("mounted");
export default app;
