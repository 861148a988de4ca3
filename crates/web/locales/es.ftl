# La web de Tienda, en español. Un mensaje por clave; el inglés está en en.ftl con las mismas.

skip-to-content = Saltar al contenido
search-label = Buscar en la tienda
search-placeholder = Libros, mascotas, lo que sea…
search-button = Buscar
nav-account = Tu cuenta
nav-cart = Carrito
nav-orders = Mis pedidos
nav-incidents = Mis incidencias
nav-services = Mis servicios
nav-my-data = Mis datos
nav-my-account = Mi cuenta
nav-login = Entrar
nav-register = Crear una cuenta
nav-logout = Salir
language = Idioma
footer-text = Tienda: libros, mascotas y más, con ayuda cuando la necesitas.

home-title = Inicio
home-heading = Libros, mascotas y todo lo que necesitan
home-intro = Encuentra un clásico que leer, un amigo que llevar a casa y todo lo demás.
home-categories = Comprar por categoría
home-newest = Novedades
home-best-rated = Lo mejor valorado
home-see-all = Ver todas las novedades

kind-book = Libro
kind-pet = Mascota
kind-item = Artículo
rating-short = { $average } ★
availability-none = No disponible
availability-archived = Ya no se vende
availability-pet = Disponible para adoptar
availability-stock = { $count ->
    [one] Solo queda uno
   *[other] En existencias ({ $count })
}
add-to-cart = Añadir al carrito
quantity = Cantidad
quantity-of = Cantidad de { $name }
image-of = Imagen de { $name }
tags = Etiquetas
product-problem = ¿Un problema con este producto? Cuéntanoslo
fact-author = Autor
fact-isbn = ISBN
fact-publisher = Editorial
fact-year = Año
fact-species = Especie
fact-breed = Raza
fact-age = Edad
fact-sex = Sexo
fact-pet-status = Estado
age-months = { $count ->
    [one] 1 mes
   *[other] { $count } meses
}
sex-male = Macho
sex-female = Hembra
sex-unknown = Desconocido
pet-status-available = Disponible
pet-status-pending = Reservado
pet-status-sold = Adoptado
reviews-heading = { $count ->
    [0] Opiniones
    [one] 1 opinión
   *[other] { $count } opiniones
}
reviews-none = Todavía no hay opiniones.
reviews-spread = Cómo lo valoran las opiniones
stars = { $count ->
    [one] 1 estrella
   *[other] { $count } estrellas
}
review-write = Escribe una opinión
review-rating = Tu valoración
review-comment = Tu comentario
review-send = Publicar la opinión
error-rating = Elige una valoración del 1 al 5.
error-review-twice = Ya has opinado sobre este producto.

list-title = Todos los productos
list-results-for = Resultados de «{ $query }»
list-results = Resultados
list-none = No hay nada que coincida. Prueba con menos palabras o filtros.
filters = Filtros
filter-words = Palabras
filter-kind = Tipo
filter-any = Cualquiera
filter-category = Categoría
filter-price = Precio
filter-min = Desde
filter-max = Hasta
filter-tag = Etiqueta
filter-in-stock = Solo lo que hay en existencias
filter-sort = Ordenar por
filter-apply = Ver resultados
sort-relevance = Relevancia
sort-newest = Lo más nuevo
sort-price_asc = Precio, de menor a mayor
sort-price_desc = Precio, de mayor a menor
sort-rating = Valoración
error-price = Escribe un precio como 12,50.
error-filters = Estos filtros no se pueden usar juntos; cámbialos y vuelve a probar.
pager = Páginas
pager-previous = ← Página anterior
pager-next = Página siguiente →

cart-title = Tu carrito
cart-empty = Tu carrito está vacío.
cart-browse = Ver la tienda
cart-product = Producto
cart-line-total = Total
cart-update = Cambiar
cart-remove = Quitar
cart-remove-name = Quitar { $name }
cart-price-was = El precio ha cambiado; era { $price }.
cart-problem-unavailable = Ya no está disponible: quítalo para pagar.
cart-problem-stock = { $count ->
    [0] Agotado: quítalo para pagar.
    [one] Solo queda 1: baja la cantidad.
   *[other] Solo quedan { $count }: baja la cantidad.
}
cart-totals = Totales
cart-recalculate = Actualizar los totales
cart-subtotal = { $count ->
    [one] Subtotal (1 artículo)
   *[other] Subtotal ({ $count } artículos)
}
cart-checkout = Pagar
cart-sign-in-note = Entrarás o crearás una cuenta; tu carrito se conserva.
cart-fix-first = Algunas líneas no se pueden comprar así; cámbialas para pagar.
delivery = Envío
delivery-label = { $name }
days = { $count ->
    [0] en el día
    [one] 1 día
   *[other] { $count } días
}
total = Total
flash-added = { $count ->
    [one] Añadido a tu carrito.
   *[other] { $count } añadidos a tu carrito.
}
flash-not-added = No se ha añadido: { $reason }
flash-cart-updated = Carrito actualizado.
flash-not-changed = No se ha cambiado: { $reason }
flash-removed = Quitado de tu carrito.

login-title = Entrar
login-button = Entrar
login-refused = El correo o la contraseña no son correctos.
login-throttled = Demasiados intentos. Espera unos minutos y vuelve a probar.
login-forgotten = ¿Has olvidado la contraseña? Aún no se puede restablecer por correo; pide ayuda a soporte.
login-no-account = ¿Eres nuevo?
register-title = Crear una cuenta
register-button = Crear la cuenta
register-have-account = ¿Ya tienes cuenta?
register-taken = Ya existe una cuenta con este correo. Entra con ella.
password-hint = De 8 a 128 caracteres; mejor una frase larga.
form-has-errors = Hay campos que cambiar; míralos abajo.
field-name = Nombre completo
field-email = Correo electrónico
field-password = Contraseña
field-given-name = Nombre
field-family-name = Apellidos
field-phone = Teléfono
field-address-label = Nombre de la dirección (casa, trabajo), opcional
field-line1 = Calle y número
field-line2 = Piso, puerta (opcional)
field-city = Ciudad
field-postal-code = Código postal
field-region = Provincia (opcional)
field-country = País
country-hint = Dos letras, como ES, MX o US.
field-current-password = Contraseña actual
field-new-password = Contraseña nueva
field-card-number = Número de tarjeta
field-exp-month = Mes
field-exp-year = Año
field-cvc = Código de seguridad
field-card-holder = Titular de la tarjeta
flash-welcome = Hola de nuevo, { $name }.
flash-registered = Te damos la bienvenida a Tienda, { $name }.
save = Guardar
remove = Quitar

profile-title = Mis datos
profile-names = Nombre y teléfono
profile-addresses = Direcciones
profile-no-addresses = Aún no hay direcciones.
profile-add-address = Añadir la dirección
profile-password = Contraseña
profile-change-password = Cambiar la contraseña
profile-export = Tus datos
profile-export-text = Descarga todo lo que guardamos sobre ti, en un archivo JSON.
profile-export-button = Descargar mis datos
error-stale = Tus datos han cambiado en otra ventana; así están ahora. Vuelve a hacer el cambio.
password-wrong = La contraseña actual no es correcta.
flash-saved = Guardado.
flash-password-changed = Contraseña cambiada. Se han cerrado tus otras sesiones.

services-title = Mis servicios
services-none = No tienes servicios contratados.
services-since = desde el { $date }
services-until = hasta el { $date }
services-history = Historial
services-problem = ¿Un problema con este servicio? Cuéntanoslo
service-status-active = Activo
service-status-suspended = Suspendido
service-status-cancelled = Cancelado

checkout-title = Pagar el pedido
checkout-address = Dirección de envío
checkout-saved = Tus direcciones:
checkout-card = Pago
checkout-test-cards = Esta es una tienda de demostración: no se cobra ninguna tarjeta. Prueba estas tarjetas, con cualquier fecha futura y cualquier código:
card-approved = aprobada
card-declined-funds = rechazada: fondos insuficientes
card-declined-stolen = rechazada: tarjeta denunciada como robada
checkout-pay = Pagar { $total }
checkout-summary = Tu pedido
checkout-edit-cart = Cambiar el carrito
checkout-declined = El pago ha sido rechazado: { $reason }. No se ha cobrado nada y tu carrito sigue igual; prueba con otra tarjeta.
checkout-fix-fields = Hay campos que cambiar; míralos abajo.
checkout-short = Algunos productos se han agotado mientras pagabas; tu carrito muestra cuáles. No se ha cobrado nada.
checkout-unavailable = Algunos productos ya no se venden; quítalos de tu carrito. No se ha cobrado nada.
checkout-running = Hay otro pago tuyo en curso; espera un momento y mira tus pedidos.
decline-insufficient_funds = fondos insuficientes
decline-stolen_card = la tarjeta está denunciada como robada
decline-expired_card = la tarjeta ha caducado
decline-amount_too_large = el importe es demasiado alto para esta tarjeta
decline-provider_unavailable = el emisor de la tarjeta no ha respondido
done-title = Gracias por tu pedido
done-text = Está pagado y en camino de prepararse.
done-estimate = Entrega estimada
done-see-order = Ver el pedido
done-keep-shopping = Seguir comprando
order-number = Número de pedido

orders-title = Mis pedidos
orders-none = Aún no has pedido nada.
orders-placed = Fecha
orders-status = Estado
items = { $count ->
    [one] 1 artículo
   *[other] { $count } artículos
}
order-title = Pedido
order-lines = Lo que has pedido
order-unit-price = Precio
order-items-total = Artículos
order-timeline = Qué ha pasado
order-step-placed = Realizado
order-step-paid = Pagado
order-step-shipped = Enviado: { $tracking }
order-step-delivered = Entregado
order-step-cancelled = Cancelado
order-tracking = Número de seguimiento
order-address = Dirección de envío
order-payment = Pago
order-cancel = Cancelar el pedido
order-problem = ¿Un problema con este pedido? Cuéntanoslo
flash-order-cancelled = El pedido está cancelado y el pago devuelto.
flash-order-not-cancelled = Este pedido ya no se puede cancelar.
order-status-pending_payment = Cobrando
order-status-paid = Pagado
order-status-payment_failed = Pago rechazado
order-status-shipped = Enviado
order-status-delivered = Entregado
order-status-cancelled = Cancelado

incidents-title = Mis incidencias
incidents-open = Cuéntanos un problema
incidents-none = No has abierto ninguna incidencia.
incident-subject = Asunto
incident-description = ¿Qué ha pasado?
incident-category = Sobre
incident-updated = Último cambio
incident-send = Enviar
incident-conversation = Conversación
incident-you = Tú
incident-support = Soporte
incident-reply = Tu respuesta
incident-send-reply = Enviar la respuesta
incident-moved = Estado: { $status }
incident-rate = ¿Qué tal lo hemos hecho?
incident-send-rating = Enviar la valoración
incident-rated = Lo has valorado con { $rating } de 5. Gracias.
incident-about-order = Sobre el pedido { $id }…
incident-about-product = Sobre un producto ({ $id }…)
incident-about-service = Sobre un servicio ({ $id }…)
flash-incident-opened = Hemos recibido tu mensaje; soporte te responderá aquí.
flash-reply-sent = Respuesta enviada.
flash-rated = Gracias por tu valoración.
flash-not-rated = Esta incidencia no se puede valorar ahora.
flash-review-thanks = Gracias por tu opinión.
category-order = Un pedido
category-product = Un producto
category-billing = Facturación
category-service = Un servicio
category-other = Otra cosa
incident-status-new = Recibida
incident-status-open = Abierta
incident-status-pending = Esperando tu respuesta
incident-status-on_hold = En espera
incident-status-resolved = Resuelta
incident-status-closed = Cerrada
incident-status-merged = Unida a otra

error-home = Ir a la página de inicio
error-reference = Si contactas con soporte, dales esta referencia:
error-status = Estado
error-not-found-title = Página no encontrada
error-not-found-text = Aquí no hay nada, o no es tuyo para verlo.
error-forbidden-title = No permitido
error-forbidden-text = Se ha rechazado esta acción. Si enviaste un formulario, recarga la página y vuelve a enviarlo.
error-bad-request-title = Algo de la petición no era correcto
error-bad-request-text = La web no ha entendido lo enviado. Vuelve atrás y prueba otra vez.
error-method-title = No permitido aquí
error-method-text = Esta página no admite ese tipo de petición.
error-unavailable-title = Volvemos enseguida
error-unavailable-text = Una parte de la tienda no responde ahora mismo. No se ha perdido nada de lo que hiciste; prueba en unos segundos.
error-internal-title = Algo ha ido mal
error-internal-text = No hemos podido mostrar esta página. No es culpa tuya; prueba en un rato.

month-1 = ene
month-2 = feb
month-3 = mar
month-4 = abr
month-5 = may
month-6 = jun
month-7 = jul
month-8 = ago
month-9 = sept
month-10 = oct
month-11 = nov
month-12 = dic

# El back office.
nav-back-office = Back office
admin-menu = Back office
admin-nav-desk = Soporte
admin-nav-orders = Pedidos
admin-nav-catalog = Catálogo
admin-choose = Elige…
error-choose = Elige una opción.
error-whole-number = Escribe un número entero, como 12.

desk-title = Cola de soporte
desk-filter = Filtrar
desk-any = Cualquiera
desk-empty = Ninguna incidencia coincide con estos filtros.
desk-customer = Cliente
desk-priority = Prioridad
desk-assignee = Asignada a
desk-assignee-any = Cualquiera
desk-assignee-mine = Mías
desk-assignee-unassigned = Sin asignar
desk-sla = SLA
desk-sla-on_track = En plazo
desk-sla-due_soon = En riesgo
desk-sla-breached = Incumplido
desk-time-left = Tiempo restante
desk-actions = Acciones
desk-claim = Tomarla
desk-me = Tú
desk-someone = Otro agente
desk-nobody = Nadie
desk-tienda = Tienda
desk-status-active = Por atender
desk-status-new = Nueva
desk-status-open = Abierta
desk-status-pending = Esperando al cliente
desk-status-on_hold = En espera
desk-status-resolved = Resuelta
desk-status-closed = Cerrada
desk-status-merged = Fusionada
desk-move = Pasar a
desk-move-open = Abrir
desk-move-pending = Esperar al cliente
desk-move-on_hold = Poner en espera
desk-move-resolved = Resolver
desk-move-closed = Cerrar
priority-low = Baja
priority-normal = Normal
priority-high = Alta
priority-urgent = Urgente
sla-left = quedan { $time }
sla-over = { $time } de retraso
sla-paused = En pausa
sla-at-risk = En riesgo
sla-breached = SLA incumplido
desk-shortcuts = Atajos de teclado
desk-key-next = Incidencia siguiente
desk-key-previous = Incidencia anterior
desk-key-open = Abrir la incidencia
desk-key-claim = Tomar la incidencia
desk-internal-note = Nota interna
desk-write = Respuesta o nota
desk-send-reply = Enviar al cliente
desk-add-note = Añadir una nota interna
desk-note-hint = Una nota interna solo la ve el personal, nunca el cliente.
desk-side = Sobre esta incidencia
desk-about = Sobre
desk-work = Trabajarla
desk-save = Guardar
desk-merge-into = Fusionar con otra incidencia de este cliente
desk-merge = Fusionar
desk-assigned = Asignada a { $name }
desk-unassigned = Sin asignar
desk-priority-set = Prioridad: { $priority }
desk-state-unknown = Su estado no está disponible ahora.
desk-about-order = Pedido { $id }…
desk-about-product = Producto { $id }…
desk-about-service = Servicio { $id }…
desk-stock = { $count ->
    [0] Sin existencias
    [one] 1 en existencias
   *[other] { $count } en existencias
}
desk-stale = Alguien cambió esta incidencia mientras tanto; aquí está tal como es ahora. Repite tu cambio si aún procede.
desk-refused = Ese cambio no se puede hacer ahora.
flash-note-added = Nota interna añadida.
flash-incident-moved = Estado cambiado.
flash-incident-claimed = La incidencia es tuya.
flash-incident-changed = Guardado.
flash-incident-merged = Fusionada; la conversación sigue aquí.

admin-orders-title = Pedidos
admin-orders-customer = Cliente (id de usuario)
admin-orders-customer-error = Pega el id de usuario de un cliente, como 0195f3a2-….
admin-orders-none = Ningún pedido coincide con estos filtros.
admin-orders-ship-to = Enviar a
admin-order-fulfil = Preparación y envío
admin-order-carrier = Transportista
admin-order-tracking = Número de seguimiento
admin-order-ship = Marcar como enviado
admin-order-delivered = Marcar como entregado
admin-order-cancel = Cancelar y reembolsar
order-actions = Lo que puedes hacer
flash-order-shipped = Enviado; el cliente ve el número de seguimiento.
flash-order-delivered = Marcado como entregado.
flash-order-refunded = Cancelado; el pago se reembolsa y las unidades vuelven al stock.

admin-products-title = Productos
admin-products-search = Buscar productos
admin-products-none = Aún no hay productos.
admin-product-new = Publicar un producto
admin-product-create = Publicarlo
admin-product-name = Nombre
admin-product-kind = Tipo
admin-product-description = Descripción
admin-product-category = Categoría
admin-product-price = Precio
admin-product-currency = Moneda
admin-product-stock = Existencias
admin-product-tags = Etiquetas (separadas por comas)
admin-product-book = Para un libro
admin-product-pet = Para una mascota
admin-product-age-months = Edad en meses
admin-product-kind-hint = Rellena la parte del tipo elegido; la otra se ignora.
admin-product-in-shop = Verlo en la tienda
admin-product-archive = Archivar
admin-product-archive-hint = Un producto archivado ya no se vende; los pedidos y las reseñas lo siguen nombrando.
admin-out-of-stock = Sin existencias
admin-stock-delta = Unidades a añadir (o a quitar, con un menos: -2)
admin-stock-delta-hint = Llegó una entrega: 12. Se rompieron dos: -2.
admin-stock-reason = Motivo
admin-stock-save = Cambiar las existencias
admin-stock-history = Historial de existencias
admin-stock-no-history = Aún no hay cambios registrados.
admin-stock-when = Cuándo
admin-stock-change = Cambio
admin-stock-after = Existencias después
error-stock-delta = Escribe un número entero de unidades distinto de 0, como 12 o -2.
flash-stock-adjusted = Existencias cambiadas; ahora hay { $stock }.
flash-product-listed = Publicado. Añade sus existencias abajo si aún no lo hiciste.
flash-product-archived = Archivado; ya no se vende.

admin-nav-customers = Clientes
admin-customers-title = Clientes
admin-customers-search = Nombre, email o teléfono
admin-customers-deleted = Incluir fichas borradas
admin-customers-none = Ningún cliente coincide.
customer-status-active = Activo
customer-status-deleted = Borrado
customer-status-erased = Anonimizado
role-customer = Cliente
role-seller = Vendedor
role-agent = Agente
role-admin = Administrador
role-service = Tienda
admin-customer-record = Ficha
admin-customer-stale = Alguien cambió esta ficha mientras tanto; así está ahora. Repite tu cambio si aún procede.
admin-customer-birth-date = Fecha de nacimiento
admin-customer-export = Descargar todo lo guardado (JSON)
admin-customer-delete = Borrar la ficha
admin-customer-restore = Restaurar la ficha
admin-customer-erase = Borrar los datos personales
admin-customer-erase-hint = Nombre, email, teléfono, fecha de nacimiento y direcciones se sustituyen para siempre; los pedidos y las incidencias quedan, sin nombre. No se puede deshacer.
admin-customer-erase-confirm = Escribe { $email } para confirmar
admin-customer-erase-button = Borrar para siempre
error-erase-confirm = Escribe exactamente el email del cliente para confirmar.
admin-customer-no-services = Ningún servicio contratado.
admin-service-status-of = Estado de { $name }
admin-service-change = Cambiar
admin-service-add = Añadir un servicio
admin-service-name = Servicio
admin-service-plan = Plan (opcional)
admin-service-start = Inicio
admin-customer-no-orders = Aún no hay pedidos.
admin-customer-incidents = Incidencias
admin-customer-no-incidents = Ninguna incidencia.
admin-customer-trail = Registro de cambios
admin-customer-action = Qué
admin-customer-who = Quién
admin-customer-fields = Campos
flash-customer-saved = Guardado.
flash-customer-deleted = Borrada; se puede restaurar durante un tiempo.
flash-customer-restored = Restaurada.
flash-customer-erased = Los datos personales están borrados.
flash-service-added = Servicio añadido.
flash-service-changed = Estado del servicio cambiado.

admin-nav-dashboard = Resumen
admin-nav-dead-letters = Eventos fallidos
dashboard-title = Resumen
dashboard-orders-today = pedidos pagados hoy
dashboard-revenue-today = ingresos de hoy
dashboard-orders-week = pedidos pagados en 7 días
dashboard-revenue-week = ingresos en 7 días
dashboard-sales = Pedidos pagados por día
dashboard-sales-chart = Pedidos pagados en cada uno de los últimos 7 días
dashboard-figures = Las cifras
dashboard-revenue = Ingresos
dashboard-queue = Incidencias abiertas
dashboard-all-in-stock = Todos los productos tienen existencias.
dashboard-more = Y más; ver la lista de productos.
dashboard-dead-letters = { $count ->
    [0] Ningún evento espera.
    [one] 1 evento no se pudo procesar.
   *[other] { $count } eventos no se pudieron procesar.
}

admin-nav-users = Personas
admin-nav-delivery = Envíos
admin-users-title = Personas y roles
admin-users-role = Rol
admin-users-role-of = Rol de { $name }
admin-users-none = Nadie coincide.
admin-users-delete = Borrar
flash-role-changed = Rol cambiado; sus sesiones terminaron, así que vuelve a entrar.
flash-user-deleted = La cuenta está borrada.
admin-delivery-title = Opciones de envío
admin-delivery-name = Nombre
admin-delivery-terms = Precio y días
admin-delivery-days = Días
admin-delivery-offered = Ofrecida al pagar
admin-delivery-inactive = No se ofrece
admin-delivery-add = Añadir una opción de envío
error-delivery-change = Escribe un precio como 4,95 y un número entero de días.
flash-delivery-added = Opción de envío añadida.
flash-delivery-changed = Opción de envío guardada.
admin-letters-hint = Eventos que un servicio no pudo procesar tras todos los intentos. Arregla la causa primero y luego devuélvelo a su manejador.
admin-letters-service = Servicio
admin-letters-type = Evento
admin-letters-subject = Asunto
admin-letters-attempts = Intentos
admin-letters-error = Último error
admin-letters-arrived = Llegada
admin-letters-replay = Reintentar
flash-replayed = Devuelto a su manejador.
admin-letters-none = Ningún evento espera.
admin-customer-services = Servicios contratados
admin-customer-keep = Exportar, borrar, anonimizar
admin-customer-opened = Abierta
admin-orders-from = Hechos desde
admin-orders-until = Hechos hasta
admin-orders-day-error = Elige días como 2026-12-01; los demás se ignoraron.
admin-product-edit = Cambiar los datos
admin-product-stale = Alguien cambió este producto mientras tanto; así está ahora. Repite tu cambio si aún procede.
flash-product-saved = Guardado.
admin-nav-categories = Categorías
admin-categories-title = Categorías
admin-categories-under = Dentro de
admin-categories-top = (la raíz)
admin-categories-name-of = Nombre de { $name }
admin-categories-parent-of = Dónde va { $name }
admin-categories-rename = Renombrar
admin-categories-move = Mover
admin-categories-new = Una categoría nueva
admin-categories-make = Crearla
flash-category-made = Categoría creada.
flash-category-changed = Categoría cambiada.
flash-category-deleted = Categoría borrada.
admin-product-reviews = Reseñas
admin-product-no-reviews = Aún no hay reseñas.
admin-review-delete = Borrar la reseña
flash-review-deleted = Reseña borrada.
flash-review-gone = Esa reseña ya estaba borrada.
